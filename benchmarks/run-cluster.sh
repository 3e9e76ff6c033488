#!/usr/bin/env bash
# Redis fan-out: the chat benchmark's delivered msg/s and publish-to-deliver latency with the
# same clients spread over 1, 2 and 3 ws-pubsub nodes that share one Redis, as ratios to one
# node. One command:   benchmarks/run-cluster.sh
#
# One Redis on loopback (Debian's redis-server when on PATH, otherwise the binary bundled in
# the embedded-redis jar, extracted into benchmarks/build/redis). For each node count, fresh
# chat-server nodes on ports BASE_PORT.. with REDIS_PORT set (fan-out on) and CLIENTS_COUNT=0;
# the clients connect in turn to the nodes (client i to node i mod n) and start the run
# themselves once a marker published by the first client has reached every client, i.e.
# every node receives the room from Redis. On the same nodes: ChatLoad (closed-loop rounds,
# median delivered msg/s), then LatencyLoad at RATE publishes/s (p50/p99 of every delivery,
# and of the deliveries that crossed nodes). A first configuration, one node without Redis,
# is printed for reference (BASELINE=0 skips it).
#
# A chat round is a burst of CLIENTS x 1,600 publishes, all queued on their way to Redis
# at once; the nodes hold up to PUBLISH_BUFFER of them (ws-pubsub.fanout.redis.publish-buffer,
# 10,000 by default), more than a round's 25,600 at 16 clients. A dropped publish would stall
# the closed-loop rounds (idle_seconds). Each node logs its fan-out counters as it stops; the
# RESULT lines give their sums over the nodes of the run (redis_published, redis_dropped).
#
# Environment (defaults):
#   NODE_COUNTS="1 2 3"  CLIENTS=16  RATE=2000 (publishes/s in total)  WARMUP=5  DURATION=10
#   BASE_PORT=4501  REDIS_PORT=4599  PUBLISH_BUFFER=100000  BASELINE=1  SKIP_BUILD=0
#   SERVER_JAVA_OPTS  CLIENT_JAVA_OPTS
# Output: one RESULT line per configuration; benchmarks/build/cluster.csv; logs in
# benchmarks/build/logs/cluster-*.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NODE_COUNTS="${NODE_COUNTS:-1 2 3}"
CLIENTS="${CLIENTS:-16}"
RATE="${RATE:-2000}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-10}"
BASE_PORT="${BASE_PORT:-4501}"
REDIS_PORT="${REDIS_PORT:-4599}"
BASELINE="${BASELINE:-1}"
PUBLISH_BUFFER="${PUBLISH_BUFFER:-100000}"

# start_nodes NAME COUNT FANOUT: sets NODE_PIDS and PORTS (comma-separated)
start_nodes() {
  local name="$1" count="$2" fanout="$3" k port
  NODE_PIDS=()
  PORTS=""
  for k in $(seq 1 "$count"); do
    port=$((BASE_PORT + k - 1))
    if [[ "$fanout" == "redis" ]]; then
      REDIS_PORT="$REDIS_PORT" PUBLISH_BUFFER="$PUBLISH_BUFFER" start_server ws-pubsub "$port" 0 "$BUILD_DIR/logs/cluster-$name-node$k.log"
    else
      REDIS_PORT="" start_server ws-pubsub "$port" 0 "$BUILD_DIR/logs/cluster-$name-node$k.log"
    fi
    NODE_PIDS+=("$SERVER_PID")
    PORTS="${PORTS:+$PORTS,}$port"
  done
}

stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do
    stop_pid "$pid"
    forget_pid "$pid"
  done
  NODE_PIDS=()
}

# run_config NAME NODES FANOUT: appends a row to the CSV; sets MSGS P50 P99 CROSS_P50 CROSS_P99
run_config() {
  local name="$1" nodes="$2" fanout="$3" chat_log latency_log chat_line latency_line
  log "$name: $nodes node(s), fan-out $fanout, $CLIENTS clients"
  start_nodes "$name" "$nodes" "$fanout"
  chat_log="$BUILD_DIR/logs/cluster-$name-chat.log"
  latency_log="$BUILD_DIR/logs/cluster-$name-latency.log"
  run_tool $((WARMUP + DURATION + 90)) dev.wspubsub.bench.client.ChatLoad --ports "$PORTS" \
    --clients "$CLIENTS" --warmup "$WARMUP" --duration "$DURATION" --label "$name" >"$chat_log" 2>&1 || true
  run_tool $((WARMUP + DURATION + 90)) dev.wspubsub.bench.client.LatencyLoad --ports "$PORTS" \
    --clients "$CLIENTS" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" --label "$name" \
    >"$latency_log" 2>&1 || true
  stop_nodes
  PUBLISHED="$(fanout_sum "$name" published)"
  DROPPED="$(fanout_sum "$name" dropped)"
  chat_line="$(grep '^RESULT ' "$chat_log" || true)"
  latency_line="$(grep '^RESULT ' "$latency_log" || true)"
  MSGS=NA P50=NA P99=NA CROSS_P50=NA CROSS_P99=NA IDLE=NA LAT_DELIVERED=NA LAT_EXPECTED=NA
  if [[ -n "$chat_line" ]]; then
    MSGS="$(result_field "$chat_line" median_msgs_per_s)"
    IDLE="$(result_field "$chat_line" idle_seconds)"
  else
    log "no chat result for $name; see $chat_log"; tail -5 "$chat_log" >&2
  fi
  if [[ -n "$latency_line" ]]; then
    P50="$(result_field "$latency_line" p50_us)"
    P99="$(result_field "$latency_line" p99_us)"
    CROSS_P50="$(result_field "$latency_line" cross_p50_us)"
    CROSS_P99="$(result_field "$latency_line" cross_p99_us)"
    LAT_DELIVERED="$(result_field "$latency_line" delivered)"
    LAT_EXPECTED="$(result_field "$latency_line" expected)"
  else
    log "no latency result for $name; see $latency_log"; tail -5 "$latency_log" >&2
  fi
  echo "$name,$nodes,$fanout,$CLIENTS,$MSGS,$IDLE,$RATE,$LAT_EXPECTED,$LAT_DELIVERED,$P50,$P99,$CROSS_P50,$CROSS_P99,$PUBLISHED,$DROPPED" >>"$CSV"
  log "  $MSGS msg/s median; latency p50 $P50 us, p99 $P99 us (cross-node p50 $CROSS_P50, p99 $CROSS_P99)"
}

# fanout_sum NAME KEY: KEY summed over the FANOUT lines of the nodes' logs, NA if none
fanout_sum() {
  awk -v key="$2" '/ FANOUT / { for (i = 1; i <= NF; i++) if (index($i, key "=") == 1) { s += substr($i, length(key) + 2); n++ } }
    END { if (n) print s; else print "NA" }' "$BUILD_DIR"/logs/cluster-"$1"-node*.log 2>/dev/null || echo NA
}

# ratio A B: A / B to two decimals, NA when either is missing
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'
}

# added A B: A - B in microseconds, signed, NA when either is missing
added() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA") print "NA"; else printf "%+.1f", a - b }'
}

prepare ""
CSV="$BUILD_DIR/cluster.csv"
echo "config,nodes,fanout,clients,median_msgs_per_s,idle_seconds,rate,latency_expected,latency_delivered,p50_us,p99_us,cross_p50_us,cross_p99_us,redis_published,redis_dropped" >"$CSV"
start_redis "$BUILD_DIR/logs/cluster-redis.log"

declare -A LINE
if [[ "$BASELINE" == "1" ]]; then
  run_config local-1 1 none
  LINE[local]="nodes=1 fanout=none msgs_per_s=$MSGS idle_seconds=$IDLE p50_us=$P50 p99_us=$P99"
  LINE[local]+=" latency_delivered=$LAT_DELIVERED/$LAT_EXPECTED"
fi
BASE_MSGS=NA BASE_P50=NA BASE_P99=NA
for n in $NODE_COUNTS; do
  run_config "redis-$n" "$n" redis
  if [[ "$n" == "1" ]]; then
    BASE_MSGS="$MSGS" BASE_P50="$P50" BASE_P99="$P99"
  fi
  LINE[$n]="nodes=$n fanout=redis msgs_per_s=$MSGS ratio_to_1_node=$(ratio "$MSGS" "$BASE_MSGS") idle_seconds=$IDLE"
  LINE[$n]+=" p50_us=$P50 p99_us=$P99 added_p50_us=$(added "$P50" "$BASE_P50") added_p99_us=$(added "$P99" "$BASE_P99")"
  LINE[$n]+=" cross_p50_us=$CROSS_P50 cross_p99_us=$CROSS_P99 latency_delivered=$LAT_DELIVERED/$LAT_EXPECTED"
  LINE[$n]+=" redis_published=$PUBLISHED redis_dropped=$DROPPED"
done

log "clients=$CLIENTS rate=$RATE/s warm-up=${WARMUP}s counted=${DURATION}s; ratios and added latency are to 1 node with the fan-out on"
[[ -n "${LINE[local]:-}" ]] && echo "RESULT ${LINE[local]} (reference: no Redis)"
for n in $NODE_COUNTS; do
  echo "RESULT ${LINE[$n]}"
done
log "wrote $CSV"
