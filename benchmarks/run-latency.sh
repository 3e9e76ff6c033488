#!/usr/bin/env bash
# Publish-to-deliver latency at a fixed rate, ws-pubsub and Bun side by side (A B A B ...),
# the same client for both.   benchmarks/run-latency.sh
#
# The issue's target is p99 at half of saturation: set RATE (publishes per second, in
# total) to half the chat benchmark's delivered msg/s divided by CLIENTS.
# Environment (defaults):
#   SERVERS="ws-pubsub bun"  CLIENTS=16  RATE=20000  REPEATS=3  WARMUP=10  DURATION=10
#   PORT=4001  SKIP_BUILD=0  ROOMS=1 (clients spread over that many rooms: run-rooms.sh)
#   NAME=latency (the prefix of the output files)
# Output: a RESULT line per run (p50/p90/p99/p99.9/max in microseconds; server CPU);
# benchmarks/build/$NAME.csv (every run, including those with no result, by status),
# benchmarks/build/$NAME-summary.csv and $NAME.svg (median and mean over runs, ratios to Bun).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVERS="${SERVERS:-ws-pubsub bun}"
CLIENTS="${CLIENTS:-16}"
RATE="${RATE:-20000}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"
ROOMS="${ROOMS:-1}"
NAME="${NAME:-latency}"

prepare "$SERVERS"
csv="$BUILD_DIR/$NAME.csv"
KEYS="published expected delivered delivered_per_s server_cpu_s server_cpu_pct cpu_s_per_million system_cpu_s_per_million p50_us p90_us p99_us p999_us max_us"
echo "clients,rooms,rate,server,run,status,${KEYS// /,}" >"$csv"

for run in $(seq 1 "$REPEATS"); do
  for server in $SERVERS; do
    log "$NAME run=$run/$REPEATS server=$server rate=$RATE/s clients=$CLIENTS rooms=$ROOMS"
    start_server "$server" "$PORT" "$CLIENTS" "$BUILD_DIR/logs/server-$NAME-$server-$run.log"
    out="$BUILD_DIR/logs/$NAME-$server-$run.log"
    status=ok
    run_tool $((WARMUP + DURATION + 300)) dev.wspubsub.bench.client.LatencyLoad --port "$PORT" \
      --clients "$CLIENTS" --rooms "$ROOMS" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" \
      --label "$server" --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" >"$out" 2>&1 || status="client-exit-$?"
    stop_server
    if append_result "$csv" "$CLIENTS,$ROOMS,$RATE,$server,$run" "$out" "$status" $KEYS; then
      echo "$RESULT_LINE"
    fi
  done
done
report "$csv" "$BUILD_DIR/$NAME-summary.csv" "$BUILD_DIR/$NAME.svg" cpu_s_per_million p99_us p50_us delivered_per_s system_cpu_s_per_million
