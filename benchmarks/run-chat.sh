#!/usr/bin/env bash
# Bun's chat benchmark, side by side: every server in turn (A B C A B C ...) with the same
# client, for each client count; the server's CPU time is read from /proc over the counted
# window. One command from a clean clone:   benchmarks/run-chat.sh
#
# Environment (defaults):
#   CLIENT_COUNTS="16 64"  SERVERS="ws-pubsub bun webflux-sinks mvc-tomcat"  REPEATS=3
#   WARMUP=10 DURATION=10 (seconds per run; the JVMs need several seconds of JIT)  PORT=4001  SKIP_BUILD=0
#   SERVER_JAVA_OPTS="-Xms1g -Xmx1g"  CLIENT_JAVA_OPTS  SERVER_CPUS / CLIENT_CPUS (taskset)
# Output: one line per server and client count; benchmarks/build/results.csv (every run),
# benchmarks/build/summary.csv and benchmarks/build/chat.svg.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLIENT_COUNTS="${CLIENT_COUNTS:-16 64}"
SERVERS="${SERVERS:-ws-pubsub bun webflux-sinks mvc-tomcat}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"

prepare "$SERVERS"
RESULTS="$BUILD_DIR/results.csv"
echo "clients,server,run,median_msgs_per_s,mean_msgs_per_s,delivered,seconds,server_cpu_s,server_cpu_pct,cpu_s_per_million,client_cpu_s,idle_seconds" >"$RESULTS"

for clients in $CLIENT_COUNTS; do
  for run in $(seq 1 "$REPEATS"); do
    for server in $SERVERS; do
      log "clients=$clients run=$run/$REPEATS server=$server"
      start_server "$server" "$PORT" "$clients" "$BUILD_DIR/logs/server-$server-$clients-$run.log"
      client_log="$BUILD_DIR/logs/client-$server-$clients-$run.log"
      run_tool $((WARMUP + DURATION + 120)) dev.wspubsub.bench.client.ChatLoad \
        --port "$PORT" --clients "$clients" --warmup "$WARMUP" --duration "$DURATION" \
        --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" --label "$server" >"$client_log" 2>&1 || true
      stop_server
      line="$(grep '^RESULT ' "$client_log" || true)"
      if [[ -z "$line" ]]; then
        log "no result from $server ($clients clients, run $run); see $client_log"
        tail -5 "$client_log" >&2
        continue
      fi
      row="$clients,$server,$run"
      for key in median_msgs_per_s mean_msgs_per_s delivered seconds server_cpu_s server_cpu_pct cpu_s_per_million client_cpu_s idle_seconds; do
        row="$row,$(result_field "$line" "$key")"
      done
      echo "$row" >>"$RESULTS"
      log "  $(result_field "$line" median_msgs_per_s) msg/s median, $(result_field "$line" cpu_s_per_million) CPU-s per million, server CPU $(result_field "$line" server_cpu_pct)%"
    done
  done
done

java -cp "$TOOLS_JAR" dev.wspubsub.bench.report.ChatReport "$RESULTS" "$BUILD_DIR/summary.csv" "$BUILD_DIR/chat.svg"
