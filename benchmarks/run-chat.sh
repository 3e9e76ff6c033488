#!/usr/bin/env bash
# Bun's chat benchmark, side by side: every server in turn (A B C A B C ...) with the same
# client, for each client mode and client count; the server's CPU time is read from /proc
# over the counted window. One command from a clean clone:   benchmarks/run-chat.sh
#
# Client modes (MODES, a list; every mode drives every server the same way):
#   bun-client  the headline: benchmarks/bun-chat-client.mjs run with Bun, each message its
#               own ws.send (as browsers and Bun's own benchmark client send)      [default]
#   per-frame   ChatLoad --frames-per-write 1: Java/Netty, each frame its own write and flush
#   burst       ChatLoad's burst mode: a client's 1,600 frames of a round in ONE flushed write,
#               so the server reads a whole round at once (not what real clients send)
#
# Environment (defaults):
#   MODES="bun-client"  CLIENT_COUNTS="16 64"  SERVERS="ws-pubsub bun webflux-sinks mvc-tomcat"
#   REPEATS=3  WARMUP=10 DURATION=10 (seconds per run; the JVMs need several seconds of JIT)
#   PORT=4001  SKIP_BUILD=0  SERVER_JAVA_OPTS="-Xms1g -Xmx1g"  CLIENT_JAVA_OPTS
#   SERVER_CPUS / CLIENT_CPUS (taskset)
# Output: one line per mode, client count and server (median and mean over runs, ratios to
# Bun), the runs that produced no result; for the ws-pubsub servers, the heap bytes they
# allocated per message received and per message delivered (medians over runs; Bun has no
# such figure); benchmarks/build/results.csv (every run, including those with no result),
# benchmarks/build/summary.csv and benchmarks/build/chat.svg.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MODES="${MODES:-bun-client}"
CLIENT_COUNTS="${CLIENT_COUNTS:-16 64}"
SERVERS="${SERVERS:-ws-pubsub bun webflux-sinks mvc-tomcat}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"

for mode in $MODES; do
  case "$mode" in
    bun-client | per-frame | burst) ;;
    *) log "unknown mode '$mode' (bun-client, per-frame or burst)"; exit 1 ;;
  esac
done
# The Bun-run client needs Bun whatever the servers are
if [[ " $MODES " == *" bun-client "* ]]; then prepare "$SERVERS bun"; else prepare "$SERVERS"; fi

RESULTS="$BUILD_DIR/results.csv"
KEYS="median_msgs_per_s mean_msgs_per_s delivered seconds server_cpu_s server_cpu_pct cpu_s_per_million system_cpu_s_per_million client_cpu_s idle_seconds alloc_bytes_per_inbound alloc_bytes_per_delivered"
echo "mode,clients,server,run,status,${KEYS// /,}" >"$RESULTS"

# run_client MODE CLIENTS LABEL LOG: the mode's client against the server on $PORT
run_client() {
  local mode="$1" clients="$2" label="$3" out="$4" seconds=$((WARMUP + DURATION + 120))
  local common=(--port "$PORT" --clients "$clients" --warmup "$WARMUP" --duration "$DURATION"
    --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" --label "$label")
  # The ws-pubsub chat server counts its threads' allocated bytes and the messages it
# received; the other servers do not
  if [[ "$label" == ws-pubsub || "$label" == ws-pubsub@* ]]; then
    common+=(--counters-url "http://127.0.0.1:$PORT/bench/counters")
  fi
  case "$mode" in
    bun-client) run_bun "$seconds" "$BENCH_DIR/bun-chat-client.mjs" "${common[@]}" ;;
    per-frame)  run_tool "$seconds" dev.wspubsub.bench.client.ChatLoad "${common[@]}" --frames-per-write 1 ;;
    burst)      run_tool "$seconds" dev.wspubsub.bench.client.ChatLoad "${common[@]}" --frames-per-write 1600 ;;
  esac >"$out" 2>&1
}

for mode in $MODES; do
  for clients in $CLIENT_COUNTS; do
    for run in $(seq 1 "$REPEATS"); do
      for server in $SERVERS; do
        log "mode=$mode clients=$clients run=$run/$REPEATS server=$server"
        start_server "$server" "$PORT" "$clients" "$BUILD_DIR/logs/server-$mode-$server-$clients-$run.log"
        client_log="$BUILD_DIR/logs/client-$mode-$server-$clients-$run.log"
        status=ok
        run_client "$mode" "$clients" "$server" "$client_log" || status="client-exit-$?"
        stop_server
        if append_result "$RESULTS" "$mode,$clients,$server,$run" "$client_log" "$status" $KEYS; then
          log "  $(result_field "$RESULT_LINE" median_msgs_per_s) msg/s median, $(result_field "$RESULT_LINE" cpu_s_per_million) CPU-s per million ($(result_field "$RESULT_LINE" system_cpu_s_per_million) in the kernel), server CPU $(result_field "$RESULT_LINE" server_cpu_pct)%, allocated $(result_field "$RESULT_LINE" alloc_bytes_per_inbound) B per inbound / $(result_field "$RESULT_LINE" alloc_bytes_per_delivered) B per delivered message"
        fi
      done
    done
  done
done

report "$RESULTS" "$BUILD_DIR/summary.csv" "$BUILD_DIR/chat.svg" median_msgs_per_s cpu_s_per_million system_cpu_s_per_million
print_allocation "$RESULTS"
