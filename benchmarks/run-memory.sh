#!/usr/bin/env bash
# Idle-connection memory: N idle connections to one server, opened in steps by several
# client processes (one process may open at most 20,000 files here); at each step the
# server's live heap after a full GC (jcmd GC.class_histogram) and its RSS; at the top step
# every connection must answer a ping.   benchmarks/run-memory.sh
#
# Environment (defaults):
#   SERVER=ws-pubsub (or webflux-sinks, bun: RSS only)  STEPS="1000,10000,19000"
#   PROCESSES=4  PORT=4001  SKIP_BUILD=0  SERVER_JAVA_OPTS="-Xms1g -Xmx1g"
# Output: a RESULT line per step (KB per connection, heap and RSS) and a PING line;
# benchmarks/build/memory.csv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVER="${SERVER:-ws-pubsub}"
STEPS="${STEPS:-1000,10000,19000}"
PROCESSES="${PROCESSES:-4}"
PORT="${PORT:-4001}"

prepare "$SERVER"
jvm=true
[[ "$SERVER" == "bun" ]] && jvm=false

# A client count that is never reached: nobody is sent "ready", the connections stay idle
start_server "$SERVER" "$PORT" 1000000000 "$BUILD_DIR/logs/server-memory-$SERVER.log"
log "server $SERVER pid $SERVER_PID; open-file limit $(ulimit -n)"
out="$BUILD_DIR/logs/memory-$SERVER.log"
log "opening connections in steps $STEPS over $PROCESSES client processes; log in $out"
status=0
run_tool 1800 dev.wspubsub.bench.client.MemoryBenchmark --server-pid "$SERVER_PID" --port "$PORT" \
  --steps "$STEPS" --processes "$PROCESSES" --jvm "$jvm" --label "$SERVER" >"$out" 2>&1 || status=$?
stop_server
grep -E '^(RESULT|PING|WARN) ' "$out" || true
if [[ "$status" != 0 ]]; then
  log "the memory benchmark failed (exit $status)"; tail -20 "$out" >&2; exit "$status"
fi

csv="$BUILD_DIR/memory.csv"
echo "server,connections,heap_live_kb,rss_kb,heap_kb_per_conn,rss_kb_per_conn,heap_kb_per_conn_since_previous,rss_kb_per_conn_since_previous" >"$csv"
grep '^RESULT ' "$out" | while read -r line; do
  row="$(result_field "$line" server)"
  for key in connections heap_live_kb rss_kb heap_kb_per_conn rss_kb_per_conn heap_kb_per_conn_since_previous rss_kb_per_conn_since_previous; do
    row="$row,$(result_field "$line" "$key")"
  done
  echo "$row" >>"$csv"
done
log "wrote $csv"
