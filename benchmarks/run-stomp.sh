#!/usr/bin/env bash
# STOMP chat, side by side: Spring's own STOMP (Spring MVC + spring-websocket + the simple
# broker on Tomcat) and ws-pubsub's STOMP broker on WebFlux, in turn (A B A B ...), with the
# same STOMP load client (StompLoad): each client subscribes to one room destination and
# sends each message as its own SEND frame, its own write and flush; rounds as in Bun's chat
# benchmark. Per run: delivered messages per second (median of the counted seconds) and the
# server's CPU time per delivered message (utime + stime from /proc over the counted window).
#   benchmarks/run-stomp.sh
#
# Environment (defaults):
#   CLIENT_COUNTS="16 64"  SERVERS="spring-stomp ws-pubsub-stomp"
#   DESTINATIONS="/topic/room /app/chat"   where clients SEND: the room itself (the broker
#       alone) and/or through RoomController's @MessageMapping("/chat") @SendTo("/topic/room")
#   MESSAGES=1600 (per client per round)  REPEATS=3  WARMUP=10 DURATION=10 (seconds per run)
#   PORT=4001  SKIP_BUILD=0  SERVER_JAVA_OPTS="-Xms1g -Xmx1g"  CLIENT_JAVA_OPTS
#   SERVER_CPUS / CLIENT_CPUS (taskset)
# Output: one line per destination, client count and server (median and mean over runs, and
# both as ratios to spring-stomp); benchmarks/build/stomp.csv (every run, including those
# with no result), benchmarks/build/stomp-summary.csv and benchmarks/build/stomp.svg.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLIENT_COUNTS="${CLIENT_COUNTS:-16 64}"
SERVERS="${SERVERS:-spring-stomp ws-pubsub-stomp}"
DESTINATIONS="${DESTINATIONS:-/topic/room /app/chat}"
MESSAGES="${MESSAGES:-1600}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"

prepare "$SERVERS"

RESULTS="$BUILD_DIR/stomp.csv"
KEYS="median_msgs_per_s mean_msgs_per_s delivered seconds server_cpu_s server_cpu_pct cpu_s_per_million client_cpu_s idle_seconds"
echo "destination,clients,server,run,status,${KEYS// /,}" >"$RESULTS"

for destination in $DESTINATIONS; do
  for clients in $CLIENT_COUNTS; do
    for run in $(seq 1 "$REPEATS"); do
      for server in $SERVERS; do
        log "destination=$destination clients=$clients run=$run/$REPEATS server=$server"
        tag="${destination//\//_}-$server-$clients-$run"
        start_server "$server" "$PORT" "$clients" "$BUILD_DIR/logs/stomp-server$tag.log"
        client_log="$BUILD_DIR/logs/stomp-client$tag.log"
        status=ok
        run_tool $((WARMUP + DURATION + 120)) dev.wspubsub.bench.client.StompLoad --port "$PORT" --path /stomp \
          --clients "$clients" --messages "$MESSAGES" --destination "$destination" --warmup "$WARMUP" \
          --duration "$DURATION" --server-pid "$SERVER_PID" --clk-tck "$CLK_TCK" --label "$server" \
          >"$client_log" 2>&1 || status="client-exit-$?"
        stop_server
        if append_result "$RESULTS" "$destination,$clients,$server,$run" "$client_log" "$status" $KEYS; then
          log "  $(result_field "$RESULT_LINE" median_msgs_per_s) msg/s median, $(result_field "$RESULT_LINE" cpu_s_per_million) CPU-s per million, server CPU $(result_field "$RESULT_LINE" server_cpu_pct)%"
        fi
      done
    done
  done
done

REPORT_BASELINE="${REPORT_BASELINE:-spring-stomp}" report "$RESULTS" "$BUILD_DIR/stomp-summary.csv" "$BUILD_DIR/stomp.svg" \
  median_msgs_per_s cpu_s_per_million
