#!/usr/bin/env bash
# Load on sample-dashboard: 1,000 WebSocket clients on /ws of one node, which publishes a
# metrics_update to all of them once per second; delivery lag (arrival − data.timestamp),
# delivered vs expected, and the server's CPU over a counted window.
# One command from a clean clone:   benchmarks/run-dashboard.sh
#
# Environment (defaults):
#   CLIENTS=1000  WARMUP=10  DURATION=30 (seconds)  REPEATS=1  PORT=4011  SKIP_BUILD=0
#   SERVER_JAVA_OPTS="-Xms1g -Xmx1g"  CLIENT_JAVA_OPTS  SERVER_CPUS / CLIENT_CPUS (taskset)
# Output: a RESULT line per run; benchmarks/build/dashboard.csv; logs in benchmarks/build/logs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLIENTS="${CLIENTS:-1000}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-30}"
REPEATS="${REPEATS:-1}"
PORT="${PORT:-4011}"

# The load client (the benchmarks module), then the sample's executable jar (its pom binds
# the Boot plugin's repackage goal)
build
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$DASHBOARD_JAR" ]]; then
  log "building (./mvnw -pl sample-dashboard -am package)"
  (cd "$REPO_ROOT" && timeout 1800 ./mvnw -B -q -pl sample-dashboard -am package -DskipTests)
fi
# A thin jar (not repackaged) has no BOOT-INF/lib and would not start
grep -qa 'BOOT-INF/lib/' "$DASHBOARD_JAR" 2>/dev/null || { log "$DASHBOARD_JAR is not an executable jar"; exit 1; }

mkdir -p "$BUILD_DIR/logs"
csv="$BUILD_DIR/dashboard.csv"
keys="clients seconds ticks received expected lag_p50_ms lag_p99_ms lag_max_ms server_cpu_s server_cpu_pct server_cpu_ms_per_s client_cpu_pct closed"
echo "run,${keys// /,}" >"$csv"

for run in $(seq 1 "$REPEATS"); do
  log "dashboard run=$run/$REPEATS clients=$CLIENTS warmup=${WARMUP}s duration=${DURATION}s port=$PORT"
  start_server dashboard "$PORT" "$CLIENTS" "$BUILD_DIR/logs/server-dashboard-$run.log"
  out="$BUILD_DIR/logs/dashboard-$run.log"
  run_tool $((WARMUP + DURATION + 300)) dev.wspubsub.bench.client.DashboardLoad --port "$PORT" --path /ws \
    --clients "$CLIENTS" --warmup "$WARMUP" --duration "$DURATION" \
    --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" >"$out" 2>&1 || true
  stop_server
  line="$(grep '^RESULT ' "$out" || true)"
  if [[ -z "$line" ]]; then
    log "no result; see $out"; tail -5 "$out" >&2; continue
  fi
  echo "$line"
  row="$run"
  for key in $keys; do
    row="$row,$(result_field "$line" "$key")"
  done
  echo "$row" >>"$csv"
done
log "wrote $csv"
