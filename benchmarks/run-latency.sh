#!/usr/bin/env bash
# Publish-to-deliver latency at a fixed rate, ws-pubsub and Bun side by side (A B A B ...),
# the same client for both.   benchmarks/run-latency.sh
#
# The issue's target is p99 at half of saturation: set RATE (publishes per second, in
# total) to half the chat benchmark's delivered msg/s divided by CLIENTS.
# Environment (defaults):
#   SERVERS="ws-pubsub bun"  CLIENTS=16  RATE=20000  REPEATS=3  WARMUP=10  DURATION=10
#   PORT=4001  SKIP_BUILD=0
# Output: a RESULT line per run (p50/p90/p99/p99.9/max in microseconds);
# benchmarks/build/latency.csv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVERS="${SERVERS:-ws-pubsub bun}"
CLIENTS="${CLIENTS:-16}"
RATE="${RATE:-20000}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"

prepare "$SERVERS"
csv="$BUILD_DIR/latency.csv"
echo "server,run,clients,rate,published,delivered,p50_us,p90_us,p99_us,p999_us,max_us" >"$csv"

for run in $(seq 1 "$REPEATS"); do
  for server in $SERVERS; do
    log "latency run=$run/$REPEATS server=$server rate=$RATE/s clients=$CLIENTS"
    start_server "$server" "$PORT" "$CLIENTS" "$BUILD_DIR/logs/server-latency-$server-$run.log"
    out="$BUILD_DIR/logs/latency-$server-$run.log"
    run_tool $((WARMUP + DURATION + 120)) dev.wspubsub.bench.client.LatencyLoad --port "$PORT" \
      --clients "$CLIENTS" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" --label "$server" >"$out" 2>&1 || true
    stop_server
    line="$(grep '^RESULT ' "$out" || true)"
    if [[ -z "$line" ]]; then
      log "no result from $server; see $out"; tail -5 "$out" >&2; continue
    fi
    echo "$line"
    row="$server,$run"
    for key in clients rate published delivered p50_us p90_us p99_us p999_us max_us; do
      row="$row,$(result_field "$line" "$key")"
    done
    echo "$row" >>"$csv"
  done
done
log "wrote $csv"
