#!/usr/bin/env bash
# The chat benchmark with history on the room, side by side with history off: one ws-pubsub
# server in four configurations, in turn (A B C D A B C D ...), with the same client modes,
# client counts and knobs as run-chat.sh. One command:   benchmarks/run-history.sh
#
# Configurations (CONFIGS, a list; the "server" column of the CSV):
#   off     no history, no Redis: the plain chat server of run-chat.sh
#   local   a history rule on the room (HISTORY_SIZE publications, HISTORY_TTL), kept in memory
#   fanout  Redis fan-out on (ws-pubsub.fanout.redis.enabled), no history
#   redis   Redis fan-out on and the history rule: the history lives in Redis
# Redis mode: a publication to a topic with history goes out as one Lua script (append to the
# topic's stream, number it, PUBLISH it) and reaches every subscriber, this node's too, when it
# comes back over pub/sub; without history this node's subscribers get it at once and only
# the other nodes wait for Redis. local / off is the cost of the in-memory history; redis /
# fanout the cost of the history in Redis over the fan-out alone.
#
# One redis-server (Debian's when on PATH, else the embedded-redis jar's) on 127.0.0.1 at the
# first free port from REDIS_PORT, started once and emptied (FLUSHALL) before each run; it
# runs during every configuration, so its CPU is read in all of them (idle in off and local).
# The server's CPU (server_cpu_s, cpu_s_per_million) is the JVM's only; Redis's own is
# redis_cpu_s and redis_cpu_s_per_million, read from /proc/REDIS_PID/stat over the same
# counted window by the client. Each run's Redis publishes and drops (the node's fan-out
# counters, logged as it stops) are in the CSV; a drop means the node's queue for Redis
# (PUBLISH_BUFFER) overflowed and the figures of that run do not count what Redis would do.
#
# Environment (defaults):
#   CONFIGS="off local fanout redis"  MODES="bun-client per-frame"  CLIENT_COUNTS="16 64"
#   REPEATS=3  WARMUP=10  DURATION=10  PORT=4001  REDIS_PORT=4599 (first port tried)
#   HISTORY_SIZE=1000  HISTORY_TTL=10m  PUBLISH_BUFFER=200000 (a 64-client round is 102,400 publishes)
#   SKIP_BUILD=0  SERVER_JAVA_OPTS  CLIENT_JAVA_OPTS  SERVER_CPUS  CLIENT_CPUS
# Output: per mode, client count and configuration, median and mean over runs as ratios to
# "off", then the history ratios (local / off, redis / fanout, fanout / off, redis / off);
# benchmarks/build/history-results.csv (every run), history-summary.csv, history.svg.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CONFIGS="${CONFIGS:-off local fanout redis}"
MODES="${MODES:-bun-client per-frame}"
CLIENT_COUNTS="${CLIENT_COUNTS:-16 64}"
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-10}"
PORT="${PORT:-4001}"
REDIS_PORT="${REDIS_PORT:-4599}"
HISTORY_SIZE="${HISTORY_SIZE:-1000}"
HISTORY_TTL="${HISTORY_TTL:-10m}"
PUBLISH_BUFFER="${PUBLISH_BUFFER:-200000}"

for config in $CONFIGS; do
  case "$config" in
    off | local | fanout | redis) ;;
    *) log "unknown configuration '$config' (off, local, fanout or redis)"; exit 1 ;;
  esac
done
for mode in $MODES; do
  case "$mode" in
    bun-client | per-frame) ;;
    *) log "unknown mode '$mode' (bun-client or per-frame)"; exit 1 ;;
  esac
done
if [[ " $MODES " == *" bun-client "* ]]; then prepare "bun"; else prepare ""; fi

while port_open "$REDIS_PORT"; do
  REDIS_PORT=$((REDIS_PORT + 1))
done
start_redis "$BUILD_DIR/logs/history-redis.log"

RESULTS="$BUILD_DIR/history-results.csv"
KEYS="median_msgs_per_s mean_msgs_per_s delivered seconds server_cpu_s server_cpu_pct cpu_s_per_million"
KEYS+=" redis_cpu_s redis_cpu_s_per_million client_cpu_s idle_seconds"
echo "mode,clients,server,run,status,${KEYS// /,},total_cpu_s_per_million,redis_published,redis_dropped" >"$RESULTS"

# start_config CONFIG CLIENTS LOGFILE: the chat server with CONFIG's history and fan-out
start_config() {
  local config="$1" clients="$2" logfile="$3" history="" redis=""
  [[ "$config" == local || "$config" == redis ]] && history=room
  [[ "$config" == fanout || "$config" == redis ]] && redis="$REDIS_PORT"
  HISTORY_PATTERN="$history" HISTORY_SIZE="$HISTORY_SIZE" HISTORY_TTL="$HISTORY_TTL" REDIS_PORT="$redis" \
    PUBLISH_BUFFER="$PUBLISH_BUFFER" start_server ws-pubsub "$PORT" "$clients" "$logfile"
}

run_client() {
  local mode="$1" clients="$2" label="$3" out="$4" seconds=$((WARMUP + DURATION + 120))
  local common=(--port "$PORT" --clients "$clients" --warmup "$WARMUP" --duration "$DURATION"
    --server-pid "$SERVER_PID" --redis-pid "$REDIS_PID" --clk-tck "$CLK_TCK" --label "$label")
  case "$mode" in
    bun-client) run_bun "$seconds" "$BENCH_DIR/bun-chat-client.mjs" "${common[@]}" ;;
    per-frame)  run_tool "$seconds" dev.wspubsub.bench.client.ChatLoad "${common[@]}" --frames-per-write 1 ;;
  esac >"$out" 2>&1
}

# fanout_count LOGFILE KEY: KEY of the node's FANOUT line, NA without one (no Redis fan-out)
fanout_count() {
  sed -n "s/.* FANOUT .*\b$2=\([0-9]*\).*/\1/p" "$1" | tail -1 | grep . || echo NA
}

# Appends server + Redis CPU per million and the node's Redis counters to the run's row
complete_row() {
  local server_log="$1" last total
  last="$(tail -1 "$RESULTS")"
  total="$(awk -F, -v s="$(result_field "${RESULT_LINE:-}" cpu_s_per_million)" \
    -v r="$(result_field "${RESULT_LINE:-}" redis_cpu_s_per_million)" \
    'BEGIN { if (s == "" || s == "NA" || r == "" || r == "NA") print ""; else printf "%.4f", s + r }')"
  sed -i '$d' "$RESULTS"
  echo "$last,$total,$(fanout_count "$server_log" published),$(fanout_count "$server_log" dropped)" >>"$RESULTS"
}

for mode in $MODES; do
  for clients in $CLIENT_COUNTS; do
    for run in $(seq 1 "$REPEATS"); do
      for config in $CONFIGS; do
        log "mode=$mode clients=$clients run=$run/$REPEATS history=$config"
        [[ "$(redis_command FLUSHALL)" == "+OK" ]] || { log "Redis did not answer FLUSHALL"; exit 1; }
        server_log="$BUILD_DIR/logs/history-server-$mode-$config-$clients-$run.log"
        start_config "$config" "$clients" "$server_log"
        client_log="$BUILD_DIR/logs/history-client-$mode-$config-$clients-$run.log"
        status=ok
        run_client "$mode" "$clients" "$config" "$client_log" || status="client-exit-$?"
        stop_server
        RESULT_LINE=""
        if append_result "$RESULTS" "$mode,$clients,$config,$run" "$client_log" "$status" $KEYS; then
          log "  $(result_field "$RESULT_LINE" median_msgs_per_s) msg/s median, $(result_field "$RESULT_LINE" cpu_s_per_million) server CPU-s per million (+ $(result_field "$RESULT_LINE" redis_cpu_s_per_million) Redis), server CPU $(result_field "$RESULT_LINE" server_cpu_pct)%"
        fi
        complete_row "$server_log"
      done
    done
  done
done

SUMMARY="$BUILD_DIR/history-summary.csv"
REPORT_BASELINE=off report "$RESULTS" "$SUMMARY" "$BUILD_DIR/history.svg" \
  median_msgs_per_s cpu_s_per_million total_cpu_s_per_million redis_cpu_s_per_million

# The history's own cost: each configuration's medians over another's, per mode and client count
log "ratios of medians over runs (msg/s; server CPU per message; server + Redis CPU per message)"
# The scenario is quoted and holds a comma ("bun-client, 16 clients"): made one field first
sed -E 's/^"([^,"]*), ([^"]*)"/\1 \2/' "$SUMMARY" | awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    key = $1 SUBSEP $2
    scenario[$1] = 1
    msgs[key] = $col["median_median_msgs_per_s"]
    cpu[key] = $col["median_cpu_s_per_million"]
    total[key] = $col["median_total_cpu_s_per_million"]
  }
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2fx", a / b) }
  function line(s, a, b) {
    if (!((s, a) in msgs) || !((s, b) in msgs)) return
    printf "RESULT %s: %s / %s  msg/s %s  server CPU/msg %s  server+Redis CPU/msg %s\n", s, a, b,
      ratio(msgs[s, a], msgs[s, b]), ratio(cpu[s, a], cpu[s, b]), ratio(total[s, a], total[s, b])
  }
  END {
    for (s in scenario) {
      line(s, "local", "off"); line(s, "redis", "fanout"); line(s, "fanout", "off"); line(s, "redis", "off")
    }
  }' | sort
