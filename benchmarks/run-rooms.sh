#!/usr/bin/env bash
# Many rooms, closer to real chat: CONNECTIONS clients in ROOMS rooms, each client sending one
# message every INTERVAL_MS (its own write and flush), ws-pubsub and Bun side by side
# (A B A B ...), the same Java client (LatencyLoad --rooms) for both. Per run: server CPU per
# delivered message (utime + stime from /proc over the counted window) and publish-to-deliver
# latency p50 / p99.   benchmarks/run-rooms.sh
#
# Environment (defaults):
#   SERVERS="ws-pubsub bun"  CONNECTIONS=2000  ROOMS=200  INTERVAL_MS=100  REPEATS=3
#   WARMUP=10  DURATION=10  PORT=4001  SKIP_BUILD=0  SERVER_JAVA_OPTS  CLIENT_JAVA_OPTS
# All connections are held by one client process and one server process: each may open at
# most 20,000 files here, so CONNECTIONS must stay below that (the script checks ulimit -n).
# Output: the RESULT line of each run; benchmarks/build/rooms.csv (every run, including those
# with no result), benchmarks/build/rooms-summary.csv and benchmarks/build/rooms.svg.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVERS="${SERVERS:-ws-pubsub bun}"
CONNECTIONS="${CONNECTIONS:-2000}"
ROOMS="${ROOMS:-200}"
INTERVAL_MS="${INTERVAL_MS:-100}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"

if (( CONNECTIONS % ROOMS != 0 )); then
  log "CONNECTIONS=$CONNECTIONS does not fill ROOMS=$ROOMS evenly"; exit 1
fi
# Room for the JVM's own files (jars, epoll, pipes) besides the sockets
if (( CONNECTIONS + 500 > $(ulimit -n) )); then
  log "CONNECTIONS=$CONNECTIONS needs more than the $(ulimit -n) open files a process may have here"; exit 1
fi
# Every client once per interval, in turn
RATE=$(( CONNECTIONS * 1000 / INTERVAL_MS ))

prepare "$SERVERS"
RESULTS="$BUILD_DIR/rooms.csv"
KEYS="rate published expected delivered delivered_per_s server_cpu_s server_cpu_pct cpu_s_per_million p50_us p90_us p99_us p999_us max_us"
echo "connections,rooms,interval_ms,server,run,status,${KEYS// /,}" >"$RESULTS"

for run in $(seq 1 "$REPEATS"); do
  for server in $SERVERS; do
    log "rooms run=$run/$REPEATS server=$server: $CONNECTIONS connections in $ROOMS rooms, one message each every $INTERVAL_MS ms ($RATE/s)"
    start_server "$server" "$PORT" "$CONNECTIONS" "$BUILD_DIR/logs/server-rooms-$server-$run.log"
    out="$BUILD_DIR/logs/rooms-$server-$run.log"
    status=ok
    run_tool $((WARMUP + DURATION + 300)) dev.wspubsub.bench.client.LatencyLoad --port "$PORT" \
      --clients "$CONNECTIONS" --rooms "$ROOMS" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" \
      --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" --label "$server" >"$out" 2>&1 || status="client-exit-$?"
    stop_server
    if append_result "$RESULTS" "$CONNECTIONS,$ROOMS,$INTERVAL_MS,$server,$run" "$out" "$status" $KEYS; then
      echo "$RESULT_LINE"
    fi
  done
done

report "$RESULTS" "$BUILD_DIR/rooms-summary.csv" "$BUILD_DIR/rooms.svg" cpu_s_per_million p99_us p50_us delivered_per_s
