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
# Part "peers" (PARTS="scaling peers" runs both, scaling first): ws-pubsub against its peer,
# the Redis-scaled Bun server (bun-redis-chat-server.js: every message PUBLISHed on a Redis
# channel per room by the npm `redis` client, each node delivering to its own connections what
# its subscription receives, its own messages included). Two nodes of each, the clients split
# over them (client i to node i mod 2), each message its own ws.send (ChatLoad
# --frames-per-write 1), on each Redis setup of REDIS_SETUPS: "single" (one Redis), "clusterN"
# (a Redis Cluster of N masters, no replicas, redis-server >= 7 and redis-cli on PATH; both
# servers use sharded pub/sub there). Every server and setup gets a fresh Redis. Per run,
# server and setup one RESULT line: delivered and cross-node msg/s (median; with the clients
# split over two nodes, half of the deliveries cross), CPU per million deliveries of the two
# servers and of every Redis process (utime + stime from /proc over the counted window less
# 0.6 s), Redis CPU per million publications, and the p50/p99 of cross-node deliveries at
# RATE publishes/s (LatencyLoad). Then RATIO lines, each server over the last of PEER_SERVERS
# (the Bun peer) on the same setup in the same run (the targets: cross-node throughput >= 1.5, total CPU per delivery
# <= 0.7), and SCALE lines, each server's Redis CPU per publication on each cluster over its
# own on one Redis (the target: no higher, so that adding masters adds capacity).
#
# Many rooms (ROOMS=R, part "peers" only): with one room, one master of a cluster carries all
# of it, so the cluster rows measure overhead, not capacity. ROOMS spreads the clients over R
# rooms, client i in room (i / 2) mod R, so that every room has as many members on each node
# (CLIENTS a multiple of 2 x R); each message goes to the CLIENTS / R members of its room, and
# each room runs its own closed-loop rounds (ChatLoad and LatencyLoad --room-names). The rooms
# are named so that room j's channel lands on master j mod N of every clusterN of REDIS_SETUPS,
# under ws-pubsub's channel name ("ws-pubsub:{room}") and the peer's ("room:room") alike (slots
# from CLUSTER KEYSLOT of a throwaway cluster node; the names and slots are logged): R a
# multiple of N spreads them evenly. The RESULT lines then add rooms=R, the room channels each
# Redis process serves (PUBSUB SHARDCHANNELS, or PUBSUB CHANNELS on one Redis, read just
# before the window), each process' publications (the run's, shared out by the bytes its
# clients sent it over the window: rooms need not keep level, a closed loop lets a slow room
# fall behind), its CPU per million of its own publications, and a paper capacity: N x 1e6 /
# the costliest process' figure, the publications a second N processes would carry at a whole
# core each with the publications spread evenly. The SCALE lines add paper_capacity (the setup's
# over one Redis), and with cluster1 in REDIS_SETUPS a line per clusterN over cluster1: Redis
# CPU per publication (target <= 1), the busiest master's CPU per publication, and the paper
# capacity (ideally N: every master carries 1/N of the publications at the same cost). E.g.
#   PARTS=peers ROOMS=8 CLIENTS=64 REDIS_SETUPS="single cluster1 cluster3" benchmarks/run-cluster.sh
#
# Part "load": the peers part's closed loop is bound by this machine's two cores, so three
# masters each carry a third of what one master carries there, and a Redis process' cost per
# publication falls as its load grows (one read, one reply write and one event-loop pass
# serve more commands). A master's capacity is its cost at ITS load, so this part scales the
# workload with the processes, as adding masters for more rooms would: on N processes N times
# the rooms (ROOMS on each), the clients (CLIENTS per ROOMS rooms) and the rate (LatencyLoad at
# LOAD_RATE publishes a second per process), so every process sees what one sees alone. Per
# server and setup: a RESULT part=load line with each process' CPU per million of its own
# publications, its publications per PUBLISH/SPUBLISH command (the batching), per read and its
# writes per publication (INFO stats and commandstats over the window), the servers' CPU per
# delivery and p50/p99; a THREADS line with the servers' CPU by thread. Then SCALE part=load
# lines: clusterN over cluster1 and over one Redis at the same load per process (target <= 1:
# N masters carry N times one master). N times the workload also makes the whole machine
# busier, which lowers every process' cost: this part and the closed loop err on either side.
# E.g.
#   PARTS=load ROOMS=8 CLIENTS=64 LOAD_RATE=30000 benchmarks/run-cluster.sh
#
# Environment (defaults):
#   PARTS="scaling peers"
#   NODE_COUNTS="1 2 3"  CLIENTS=16  RATE=2000 (publishes/s in total)  WARMUP=5  DURATION=10
#   BASE_PORT=4501  REDIS_PORT=4599  PUBLISH_BUFFER=100000  BASELINE=1  SKIP_BUILD=0
#   PEER_SERVERS="ws-pubsub bun-redis"  REDIS_SETUPS="single cluster1 cluster3"  REPEATS=2
#   ROOMS=1 (parts "peers" and "load": the clients spread over that many rooms, see above)
#   LOAD_RATE=30000 (part "load": publishes a second per Redis process)
#   SERVER_JAVA_OPTS  CLIENT_JAVA_OPTS
# Output: RESULT, RATIO and SCALE lines; benchmarks/build/cluster.csv (scaling) and
# benchmarks/build/cluster-peers.csv (peers; its last four columns, rooms to
# paper_capacity_publications_per_s, are the many-room fields, filled at ROOMS=1 too),
# benchmarks/build/cluster-load.csv (load); logs
# in benchmarks/build/logs/cluster-*.
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
PARTS="${PARTS:-scaling peers}"
LOAD_RATE="${LOAD_RATE:-30000}"
PEER_SERVERS="${PEER_SERVERS:-ws-pubsub bun-redis}"
REDIS_SETUPS="${REDIS_SETUPS:-single cluster1 cluster3}"
REPEATS="${REPEATS:-2}"
ROOMS="${ROOMS:-1}"

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

prepare "$([[ " $PARTS " == *" peers "* || " $PARTS " == *" load "* ]] && echo "$PEER_SERVERS")"

run_scaling() {
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
stop_pid "$REDIS_PID"
forget_pid "$REDIS_PID"
}

# ---- part "peers": ws-pubsub and the Redis-scaled Bun server, side by side

REDIS_PIDS=()
REDIS_PORTS=()
REDIS_NODES=""

# start_redis_setup SETUP LOGPREFIX: "single", or "clusterN" (N masters, no replicas, all slots
# assigned with CLUSTER ADDSLOTSRANGE and joined with CLUSTER MEET); sets REDIS_PIDS and
# REDIS_NODES (host:port,...)
start_redis_setup() {
  local setup="$1" logprefix="$2" masters port i from to first state
  REDIS_PIDS=()
  if [[ "$setup" == single ]]; then
    start_redis "$logprefix-redis.log"
    REDIS_PIDS=("$REDIS_PID")
    REDIS_PORTS=("$REDIS_PORT")
    REDIS_NODES="127.0.0.1:$REDIS_PORT"
    return
  fi
  masters="${setup#cluster}"
  [[ "$masters" =~ ^[0-9]+$ && "$masters" -ge 1 ]] || { log "unknown Redis setup '$setup'"; exit 1; }
  command -v redis-cli >/dev/null || { log "a Redis Cluster needs redis-cli (and redis-server >= 7) on PATH"; exit 1; }
  REDIS_NODES=""
  REDIS_PORTS=()
  for i in $(seq 0 $((masters - 1))); do
    port=$((REDIS_PORT + i))
    REDIS_PORTS+=("$port")
    if port_open "$port"; then log "port $port is already in use"; exit 1; fi
    rm -rf "$BUILD_DIR/redis-cluster/$port"
    mkdir -p "$BUILD_DIR/redis-cluster/$port"
    (cd "$BUILD_DIR/redis-cluster/$port" && exec "$(redis_binary)" --port "$port" --bind 127.0.0.1 --save "" \
      --appendonly no --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      >"$logprefix-redis-$port.log" 2>&1) &
    REDIS_PIDS+=("$!")
    STARTED_PIDS+=("$!")
    REDIS_NODES="${REDIS_NODES:+$REDIS_NODES,}127.0.0.1:$port"
  done
  for i in $(seq 0 $((masters - 1))); do
    port=$((REDIS_PORT + i))
    for _ in $(seq 1 100); do
      [[ "$(redis-cli -p "$port" PING 2>/dev/null)" == PONG ]] && break
      sleep 0.1
    done
    from=$((16384 * i / masters)); to=$((16384 * (i + 1) / masters - 1))
    redis-cli -p "$port" CLUSTER ADDSLOTSRANGE "$from" "$to" >/dev/null
    [[ "$i" -gt 0 ]] && redis-cli -p "$REDIS_PORT" CLUSTER MEET 127.0.0.1 "$port" >/dev/null
  done
  for _ in $(seq 1 300); do
    state=ok
    for i in $(seq 0 $((masters - 1))); do
      redis-cli -p $((REDIS_PORT + i)) CLUSTER INFO | tr -d '\r' \
        | grep -q "^cluster_state:ok" || state=wait
      [[ "$(redis-cli -p $((REDIS_PORT + i)) CLUSTER INFO | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" == "$masters" ]] \
        || state=wait
    done
    [[ "$state" == ok ]] && break
    sleep 0.1
  done
  [[ "$state" == ok ]] || { log "the Redis Cluster of $masters masters did not come up; see $logprefix-redis-*.log"; exit 1; }
  log "redis cluster of $masters master(s) on $REDIS_NODES"
}

stop_redis_setup() {
  local pid
  for pid in "${REDIS_PIDS[@]}"; do
    stop_pid "$pid"
    forget_pid "$pid"
  done
  REDIS_PIDS=()
}

# The Redis channel of chat room $1, as each server names it on a cluster: ws-pubsub's
# "<channel-prefix>{<topic>}" (default prefix "ws-pubsub:"; the braces make the room the hash
# tag) and the Bun peer's "<CHANNEL_PREFIX><room>" (default "room:", no tag)
channel_of() {
  case "$2" in
    bun-redis) printf 'room:%s' "$1" ;;
    *) printf 'ws-pubsub:{%s}' "$1" ;;
  esac
}

# pick_room_names: sets ROOM_NAMES, ROOMS names (comma-separated) such that room j's channel
# lands on master j mod N of every clusterN in REDIS_SETUPS, for ws-pubsub's and the peer's
# channel names alike (masters own equal slot ranges in order, as start_redis_setup assigns
# them). The slots come from CLUSTER KEYSLOT of a throwaway cluster-enabled redis-server on
# REDIS_PORT. Without a cluster setup, room-0 to room-(ROOMS-1).
pick_room_names() {
  local masters="" setup dir pid count i candidates
  for setup in $REDIS_SETUPS; do
    [[ "$setup" == cluster* ]] && masters+="${masters:+ }${setup#cluster}"
  done
  if [[ -z "$masters" ]]; then
    ROOM_NAMES="$(seq 0 $((ROOMS - 1)) | sed 's/^/room-/' | paste -sd,)"
    return
  fi
  command -v redis-cli >/dev/null || { log "a Redis Cluster needs redis-cli (and redis-server >= 7) on PATH"; exit 1; }
  # A room fits a given j with odds 1 / (N * N) per setup (two channels): 20 times what is needed
  count="$(awk -v m="$masters" -v r="$ROOMS" 'BEGIN { n = split(m, a, " "); c = 20 * r
    for (i = 1; i <= n; i++) c *= a[i] * a[i]; print (c > 200000) ? 200000 : c }')"
  dir="$BUILD_DIR/redis-cluster/keyslot"
  rm -rf "$dir"; mkdir -p "$dir"
  if port_open "$REDIS_PORT"; then log "port $REDIS_PORT is already in use"; exit 1; fi
  (cd "$dir" && exec "$(redis_binary)" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --cluster-enabled yes --cluster-config-file nodes.conf >"$dir/redis.log" 2>&1) &
  pid=$!
  STARTED_PIDS+=("$pid")
  for _ in $(seq 1 100); do
    [[ "$(redis-cli -p "$REDIS_PORT" PING 2>/dev/null)" == PONG ]] && break
    sleep 0.1
  done
  candidates="$(seq 0 $((count - 1)) | sed 's/^/room-/')"
  ROOM_NAMES="$(paste -d' ' <(echo "$candidates") \
      <(while read -r i; do echo "CLUSTER KEYSLOT $(channel_of "$i" ws-pubsub)"; done <<<"$candidates" \
        | redis-cli -p "$REDIS_PORT" | tr -d '\r') \
      <(while read -r i; do echo "CLUSTER KEYSLOT $(channel_of "$i" bun-redis)"; done <<<"$candidates" \
        | redis-cli -p "$REDIS_PORT" | tr -d '\r') \
    | awk -v m="$masters" -v r="$ROOMS" '
      function master(slot, n,   i) { for (i = 0; i < n; i++) if (slot < int(16384 * (i + 1) / n)) return i }
      { name[NR] = $1; ws[NR] = $2; bun[NR] = $3 }
      END {
        k = split(m, setups, " ")
        for (j = 0; j < r; j++) {
          fits = 0
          for (c = 1; c <= NR; c++) {
            if (used[c]) continue
            fits = 1
            for (s = 1; s <= k; s++) {
              n = setups[s]
              if (master(ws[c], n) != j % n || master(bun[c], n) != j % n) fits = 0
            }
            if (fits) { used[c] = 1; printf "%s%s", (j ? "," : ""), name[c]; break }
          }
          if (!fits) exit 1
        }
      }')" || { stop_pid "$pid"; forget_pid "$pid"; log "found no $ROOMS room names that spread over masters $masters"; exit 1; }
  for i in ${ROOM_NAMES//,/ }; do
    log "room $i: ws-pubsub channel $(channel_of "$i" ws-pubsub) slot $(redis-cli -p "$REDIS_PORT" CLUSTER KEYSLOT "$(channel_of "$i" ws-pubsub)")," \
      "peer channel $(channel_of "$i" bun-redis) slot $(redis-cli -p "$REDIS_PORT" CLUSTER KEYSLOT "$(channel_of "$i" bun-redis)")"
  done
  stop_pid "$pid"
  forget_pid "$pid"
}

# room_channels SETUP SERVER: per Redis process of the setup, how many channels of the rooms
# it serves (PUBSUB SHARDCHANNELS on a cluster, PUBSUB CHANNELS on one Redis, matched on the
# server's channel names: not ws-pubsub's node probes), slash-separated
room_channels() {
  local port pattern command=SHARDCHANNELS
  [[ "$1" == single ]] && command=CHANNELS
  case "$2" in
    bun-redis) pattern='room:*' ;;
    *) pattern="$( [[ "$command" == CHANNELS ]] && echo 'ws-pubsub:t:*' || echo 'ws-pubsub:{*')" ;;
  esac
  for port in "${REDIS_PORTS[@]}"; do
    redis-cli -p "$port" PUBSUB "$command" "$pattern" 2>/dev/null | grep -c . || true
  done | paste -sd/
}

# ticks PID...: utime + stime of each, space-separated
ticks() {
  local pid
  for pid in "$@"; do awk '{ printf "%d ", $14 + $15 }' "/proc/$pid/stat"; done
}

# input_bytes: total_net_input_bytes of each Redis process of the setup (what its clients
# sent it), space-separated, in the order of REDIS_PIDS
input_bytes() {
  local port
  for port in "${REDIS_PORTS[@]}"; do
    redis-cli -p "$port" INFO stats 2>/dev/null | awk -F: '/^total_net_input_bytes:/ { printf "%d ", $2 }'
  done
}

# per_million TICKS COUNT: CPU-seconds per million of COUNT, NA when there is nothing to divide
per_million() {
  awk -v t="$1" -v c="$2" -v k="$CLK_TCK" 'BEGIN { if (t == "NA" || c == "NA" || c + 0 == 0) print "NA"; else printf "%.4f\n", t / k / (c / 1e6) }'
}

# start_setup_nodes SETUP SERVER NAME: two nodes of SERVER on the Redis setup just started;
# sets NODE_PIDS and PORTS (comma-separated)
start_setup_nodes() {
  local setup="$1" server="$2" name="$3" k port
  NODE_PIDS=() PORTS=""
  for k in 1 2; do
    port=$((BASE_PORT + k - 1))
    if [[ "$setup" == single ]]; then
      REDIS_PORT="$REDIS_PORT" REDIS_CLUSTER_NODES="" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
        PUBLISH_BUFFER="$PUBLISH_BUFFER" start_server "$server" "$port" 0 "$BUILD_DIR/logs/cluster-$name-node$k.log"
    else
      REDIS_PORT="" REDIS_CLUSTER_NODES="$REDIS_NODES" PUBLISH_BUFFER="$PUBLISH_BUFFER" \
        start_server "$server" "$port" 0 "$BUILD_DIR/logs/cluster-$name-node$k.log"
    fi
    NODE_PIDS+=("$SERVER_PID")
    PORTS="${PORTS:+$PORTS,}$port"
  done
}

# deltas BEFORE AFTER: per process, AFTER - BEFORE of two space-separated lists (as ticks
# and input_bytes print them), slash-separated
deltas() {
  paste <(tr ' ' '\n' <<<"$1") <(tr ' ' '\n' <<<"$2") | awk 'NF == 2 { printf "%s%d", (n++ ? "/" : ""), $2 - $1 }'
}

# sum_of LIST: the sum of a slash-separated list
sum_of() {
  tr '/' '\n' <<<"$1" | awk '{ s += $1 } END { print s + 0 }'
}

# shared_out TOTAL WEIGHTS: TOTAL shared out in proportion to a slash-separated list of weights
shared_out() {
  tr '/' '\n' <<<"$2" | awk -v p="$1" '{ d[n++] = $1; s += $1 } END {
    for (i = 0; i < n; i++) printf "%s%.0f", (i ? "/" : ""), (s > 0 ? p * d[i] / s : 0) }'
}

# await_line PATTERN FILE PID: waits up to 90 s for a line matching PATTERN in FILE while
# process PID lives; succeeds if the line is there.
await_line() {
  local pattern="$1" file="$2" pid="$3"
  for _ in $(seq 1 900); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "$pattern" "$file" 2>/dev/null
}

# run_peer SETUP SERVER RUN: one RESULT line and a CSV row; sets R[SETUP|SERVER|RUN|key]
run_peer() {
  local setup="$1" server="$2" run="$3" name="peers-$1-$2-$3" k port out lat client
  local before_s before_r after_s after_r before_b after_b line msgs reading deliveries pubs channels=NA room_args=()
  log "peers: $server on $setup, run $run: 2 nodes, $CLIENTS clients in $ROOMS room(s)"
  [[ "$ROOMS" -gt 1 ]] && room_args=(--room-names "$ROOM_NAMES")
  start_redis_setup "$setup" "$BUILD_DIR/logs/cluster-$name"
  start_setup_nodes "$setup" "$server" "$name"
  out="$BUILD_DIR/logs/cluster-$name-chat.log"
  lat="$BUILD_DIR/logs/cluster-$name-latency.log"
  run_tool $((WARMUP + DURATION + 90)) dev.wspubsub.bench.client.ChatLoad --ports "$PORTS" --clients "$CLIENTS" \
    "${room_args[@]}" --frames-per-write 1 --warmup "$WARMUP" --duration "$DURATION" --label "$server" >"$out" 2>&1 &
  client=$!
  # The warm-up's first per-second line comes a second after the start; read from just
  # inside the counted window, as run-cpu-split.sh does.
  reading="$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d - 0.6 }')"
  before_s="" after_s=""
  if await_line '^w ' "$out" "$client"; then
    sleep "$((WARMUP - 1)).3"
    # Which Redis process carries which rooms, read just before the window (ws-pubsub
    # unsubscribes as soon as the clients leave)
    channels="$(room_channels "$setup" "$server")"
    before_s="$(ticks "${NODE_PIDS[@]}")" before_r="$(ticks "${REDIS_PIDS[@]}")" before_b="$(input_bytes)"
    sleep "$reading"
    after_s="$(ticks "${NODE_PIDS[@]}")" after_r="$(ticks "${REDIS_PIDS[@]}")" after_b="$(input_bytes)"
  fi
  wait "$client" || true
  run_tool $((WARMUP + DURATION + 90)) dev.wspubsub.bench.client.LatencyLoad --ports "$PORTS" \
    --clients "$CLIENTS" "${room_args[@]}" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" --label "$server" \
    >"$lat" 2>&1 || true
  stop_nodes
  REDIS_PIDS_OF_RUN=("${REDIS_PIDS[@]}")
  stop_redis_setup

  local key="$setup|$server|$run" server_ticks=NA redis_ticks=NA by_process=NA pubs_by_process=NA
  msgs="$(result_field "$(grep '^RESULT ' "$out" || true)" median_msgs_per_s)"
  [[ -n "$msgs" ]] || { msgs=NA; log "no chat result for $name; see $out"; tail -5 "$out" >&2; }
  deliveries=NA pubs=NA
  if [[ "$msgs" != NA && -n "$after_s" ]]; then
    deliveries="$(awk -v m="$msgs" -v s="$reading" 'BEGIN { printf "%.0f", m * s }')"
    # every publication reaches all the clients of its room, its sender included
    pubs="$(awk -v d="$deliveries" -v c="$CLIENTS" -v r="$ROOMS" 'BEGIN { printf "%.0f", d / (c / r) }')"
    server_ticks="$(sum_of "$(deltas "$before_s" "$after_s")")"
    by_process="$(deltas "$before_r" "$after_r")"
    redis_ticks="$(sum_of "$by_process")"
    # Each process' own publications: the run's, shared out by the bytes clients sent each
    # over the window. Rooms need not keep level (a closed loop lets a slow room fall
    # behind), so a process' CPU over the whole run's publications would show its traffic,
    # not its cost per publication.
    pubs_by_process="$(shared_out "$pubs" "$(deltas "$before_b" "$after_b")")"
  fi
  R[$key|msgs]="$msgs"
  R[$key|cross]="$(awk -v m="$msgs" 'BEGIN { if (m == "NA") print "NA"; else printf "%.0f", m / 2 }')"
  R[$key|server_cpu]="$(per_million "$server_ticks" "$deliveries")"
  R[$key|redis_cpu]="$(per_million "$redis_ticks" "$deliveries")"
  R[$key|total_cpu]="$(per_million "$( [[ "$server_ticks" == NA ]] && echo NA || echo $((server_ticks + redis_ticks)))" "$deliveries")"
  R[$key|redis_cpu_pub]="$(per_million "$redis_ticks" "$pubs")"
  R[$key|redis_by_process]="$(tr '/' '\n' <<<"$by_process" | while read -r t; do per_million "$t" "$deliveries"; done | paste -sd/)"
  R[$key|pubs_by_process]="$pubs_by_process"
  R[$key|redis_pub_by_process]="$(paste <(tr '/' '\n' <<<"$by_process") <(tr '/' '\n' <<<"$pubs_by_process") |
    while read -r t c; do per_million "$t" "${c:-NA}"; done | paste -sd/)"
  # What the setup could carry with the publications spread evenly over its processes: each
  # at one core, the costliest (CPU-s per million of its own publications) bounding them
  # all, so N x 1e6 / that figure publications a second
  R[$key|busiest_pub]="$(tr '/' '\n' <<<"${R[$key|redis_pub_by_process]}" | awk '$1 != "NA" && $1 != "" { if ($1 > m) m = $1; n++ } END { if (n) printf "%.4f", m; else print "NA" }')"
  R[$key|capacity]="$(awk -v b="${R[$key|busiest_pub]}" -v n="${#REDIS_PIDS_OF_RUN[@]}" 'BEGIN { if (b == "NA" || b + 0 == 0) print "NA"; else printf "%.0f", n * 1e6 / b }')"
  R[$key|channels]="$channels"
  line="$(grep '^RESULT ' "$lat" || true)"
  R[$key|cross_p50]="$( [[ -n "$line" ]] && result_field "$line" cross_p50_us || echo NA)"
  R[$key|cross_p99]="$( [[ -n "$line" ]] && result_field "$line" cross_p99_us || echo NA)"
  [[ -n "$line" ]] || { log "no latency result for $name; see $lat"; tail -5 "$lat" >&2; }
  echo "$setup,$server,$run,${R[$key|msgs]},${R[$key|cross]},${R[$key|server_cpu]},${R[$key|redis_cpu]},${R[$key|redis_by_process]},${R[$key|total_cpu]},${R[$key|redis_cpu_pub]},${R[$key|cross_p50]},${R[$key|cross_p99]},$ROOMS,${R[$key|channels]},${R[$key|redis_pub_by_process]},${R[$key|capacity]}" >>"$PEERS_CSV"
  local extra=""
  if [[ "$ROOMS" -gt 1 ]]; then
    extra="rooms=$ROOMS room_channels_by_process=${R[$key|channels]}"
    extra+=" publications_by_process=${R[$key|pubs_by_process]}"
    extra+=" redis_cpu_s_per_million_publications_by_process=${R[$key|redis_pub_by_process]}"
    extra+=" paper_capacity_publications_per_s=${R[$key|capacity]}"
  fi
  echo "RESULT part=peers setup=$setup server=$server run=$run nodes=2 clients=$CLIENTS msgs_per_s=${R[$key|msgs]}" \
    "cross_msgs_per_s=${R[$key|cross]} server_cpu_s_per_million_deliveries=${R[$key|server_cpu]}" \
    "redis_cpu_s_per_million_deliveries=${R[$key|redis_cpu]} (by process ${R[$key|redis_by_process]})" \
    "total_cpu_s_per_million_deliveries=${R[$key|total_cpu]}" \
    "redis_cpu_s_per_million_publications=${R[$key|redis_cpu_pub]} rate=$RATE" \
    "cross_p50_us=${R[$key|cross_p50]} cross_p99_us=${R[$key|cross_p99]}${extra:+ $extra}"
}

run_peers() {
  local run setup server a b
  PEERS_CSV="$BUILD_DIR/cluster-peers.csv"
  echo "setup,server,run,msgs_per_s,cross_msgs_per_s,server_cpu_s_per_million_deliveries,redis_cpu_s_per_million_deliveries,redis_cpu_by_process,total_cpu_s_per_million_deliveries,redis_cpu_s_per_million_publications,cross_p50_us,cross_p99_us,rooms,room_channels_by_process,redis_cpu_s_per_million_publications_by_process,paper_capacity_publications_per_s" >"$PEERS_CSV"
  declare -gA R=()
  ROOM_NAMES=""
  if [[ "$ROOMS" -gt 1 ]]; then
    # Every room split evenly over the two nodes (see Rooms.java: client i in room (i / 2) mod ROOMS)
    (( CLIENTS % (2 * ROOMS) == 0 )) || { log "CLIENTS=$CLIENTS does not fill ROOMS=$ROOMS rooms over 2 nodes evenly"; exit 1; }
    pick_room_names
    log "rooms: $ROOM_NAMES"
  fi
  # Interleaved (A B A B ...), a fresh Redis for each, so that a drift of the machine shows
  # in both servers alike
  for run in $(seq 1 "$REPEATS"); do
    for setup in $REDIS_SETUPS; do
      for server in $PEER_SERVERS; do
        run_peer "$setup" "$server" "$run"
      done
    done
  done
  log "clients=$CLIENTS (split over 2 nodes) rooms=$ROOMS rate=$RATE/s warm-up=${WARMUP}s counted=${DURATION}s; CPU-seconds per million = microseconds each"
  # Every server over the last one, the peer: with PEER_SERVERS="ws-pubsub@new ws-pubsub bun-redis"
  # (variants as in lib.sh) a change and what it replaces are each set against the peer.
  b="${PEER_SERVERS##* }"
  for run in $(seq 1 "$REPEATS"); do
    for setup in $REDIS_SETUPS; do
      for a in $PEER_SERVERS; do
        [[ "$a" != "$b" ]] || continue
        echo "RATIO run=$run setup=$setup $a/$b" \
          "cross_throughput=$(ratio "${R[$setup|$a|$run|cross]}" "${R[$setup|$b|$run|cross]}") (target >= 1.5)" \
          "total_cpu_per_delivery=$(ratio "${R[$setup|$a|$run|total_cpu]}" "${R[$setup|$b|$run|total_cpu]}") (target <= 0.7)" \
          "server_cpu_per_delivery=$(ratio "${R[$setup|$a|$run|server_cpu]}" "${R[$setup|$b|$run|server_cpu]}")" \
          "redis_cpu_per_delivery=$(ratio "${R[$setup|$a|$run|redis_cpu]}" "${R[$setup|$b|$run|redis_cpu]}")" \
          "cross_p50=$(ratio "${R[$setup|$a|$run|cross_p50]}" "${R[$setup|$b|$run|cross_p50]}")" \
          "cross_p99=$(ratio "${R[$setup|$a|$run|cross_p99]}" "${R[$setup|$b|$run|cross_p99]}")"
      done
    done
    for server in $PEER_SERVERS; do
      for setup in $REDIS_SETUPS; do
        [[ "$setup" == single || " $REDIS_SETUPS " != *" single "* ]] && continue
        echo "SCALE run=$run server=$server $setup/single" \
          "redis_cpu_per_publication=$(ratio "${R[$setup|$server|$run|redis_cpu_pub]}" "${R[single|$server|$run|redis_cpu_pub]}") (target <= 1)" \
          "cross_throughput=$(ratio "${R[$setup|$server|$run|cross]}" "${R[single|$server|$run|cross]}")$(
            [[ "$ROOMS" -gt 1 ]] && echo " paper_capacity=$(ratio "${R[$setup|$server|$run|capacity]}" "${R[single|$server|$run|capacity]}")")"
      done
      # Many rooms: N masters against one, the capacity that adding masters adds (ideally N)
      [[ "$ROOMS" -gt 1 && " $REDIS_SETUPS " == *" cluster1 "* ]] || continue
      for setup in $REDIS_SETUPS; do
        [[ "$setup" == cluster* && "$setup" != cluster1 ]] || continue
        echo "SCALE run=$run server=$server $setup/cluster1 rooms=$ROOMS" \
          "redis_cpu_per_publication=$(ratio "${R[$setup|$server|$run|redis_cpu_pub]}" "${R[cluster1|$server|$run|redis_cpu_pub]}") (target <= 1)" \
          "busiest_master_cpu_per_publication=$(ratio "${R[$setup|$server|$run|busiest_pub]}" "${R[cluster1|$server|$run|busiest_pub]}")" \
          "paper_capacity=$(ratio "${R[$setup|$server|$run|capacity]}" "${R[cluster1|$server|$run|capacity]}") (ideal ${setup#cluster})" \
          "cross_throughput=$(ratio "${R[$setup|$server|$run|cross]}" "${R[cluster1|$server|$run|cross]}")"
      done
    done
  done
  log "wrote $PEERS_CSV"
}

# ---- part "load": Redis CPU per publication at the same load per Redis process

# redis_counters: per Redis process of the setup, "input_bytes:publish_commands:reads:writes"
# (total_net_input_bytes, PUBLISH plus SPUBLISH calls, total_reads_processed,
# total_writes_processed), space-separated, in the order of REDIS_PIDS
redis_counters() {
  local port
  for port in "${REDIS_PORTS[@]}"; do
    { redis-cli -p "$port" INFO stats; redis-cli -p "$port" INFO commandstats; } 2>/dev/null | tr -d '\r' | awk -F'[:,=]' '
      /^total_net_input_bytes:/ { b = $2 } /^total_reads_processed:/ { r = $2 } /^total_writes_processed:/ { w = $2 }
      /^cmdstat_(s)?publish:/ { c += $3 }
      END { printf "%d:%d:%d:%d ", b, c, r, w }'
  done
}

# counter_deltas BEFORE AFTER FIELD: per process, AFTER - BEFORE of field FIELD (1-based) of
# redis_counters, slash-separated
counter_deltas() {
  paste <(tr ' ' '\n' <<<"$1") <(tr ' ' '\n' <<<"$2") | awk -v f="$3" 'NF == 2 {
    split($1, a, ":"); split($2, b, ":"); printf "%s%d", (n++ ? "/" : ""), b[f] - a[f] }'
}

# per_each A B [SCALE]: element-wise A / B * SCALE of two slash-separated lists, NA where B is 0
per_each() {
  paste <(tr '/' '\n' <<<"$1") <(tr '/' '\n' <<<"$2") | awk -v k="${3:-1}" '{
    printf "%s%s", (n++ ? "/" : ""), ($2 + 0 == 0 ? "NA" : sprintf("%.4f", $1 / $2 * k)) }'
}

# thread_ticks PID...: "name=ticks" of every thread of the processes, the names' digits
# folded so that a pool's threads add up (reactor-http-epoll-3 -> reactor-http-epoll-N)
thread_ticks() {
  local pid task
  for pid in "$@"; do
    for task in /proc/"$pid"/task/*; do
      awk '{ n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n); gsub(/[0-9]+/, "N", n); gsub(/ /, "_", n)
        t = $0; sub(/^.*\) /, "", t); split(t, f, " "); print n "=" f[12] + f[13] }' "$task/stat" 2>/dev/null
    done
  done | awk -F= '{ s[$1] += $2 } END { for (k in s) print k "=" s[k] }'
}

# thread_split BEFORE AFTER: the threads' CPU over the window, busiest first, as
# "name:share%" of the servers' total
thread_split() {
  awk -F= 'NR == FNR { b[$1] = $2; next } { d[$1] = $2 - b[$1]; s += $2 - b[$1] }
    END { for (k in d) if (d[k] > 0) printf "%d %s:%.0f%%\n", d[k], k, 100 * d[k] / s }' \
    <(echo "$1") <(echo "$2") | sort -rn | cut -d' ' -f2 | head -8 | paste -sd' '
}

# run_load SETUP SERVER RUN: LatencyLoad at LOAD_RATE publishes a second per Redis process of the
# setup (LOAD_RATE x N on N masters), each process' CPU per million of its own publications over
# the counted window, and what a publication costs it in commands, reads and writes; sets
# L[SETUP|SERVER|RUN|key]
run_load() {
  local setup="$1" server="$2" run="$3" name="load-$1-$2-$3" k port lat client masters rate reading
  local before_s after_s before_r after_r before_c after_c before_t="" after_t="" pubs line by_process pubs_by_process key
  masters=1
  [[ "$setup" == cluster* ]] && masters="${setup#cluster}"
  rate=$((LOAD_RATE * masters))
  # The whole workload N times over on N processes: N times the rooms (each process gets
  # ROOMS of them), the clients and the rate, so that every process sees what one sees alone
  local clients=$((CLIENTS * masters)) rooms=$((ROOMS * masters)) names=""
  [[ -n "${ROOM_NAMES:-}" ]] && names="$(tr ',' '\n' <<<"$ROOM_NAMES" | head -n "$rooms" | paste -sd,)"
  log "load: $server on $setup, run $run: $rate publishes/s ($LOAD_RATE per Redis process), 2 nodes, $clients clients in $rooms room(s)"
  start_redis_setup "$setup" "$BUILD_DIR/logs/cluster-$name"
  start_setup_nodes "$setup" "$server" "$name"
  lat="$BUILD_DIR/logs/cluster-$name-latency.log"
  run_tool $((WARMUP + DURATION + 90)) dev.wspubsub.bench.client.LatencyLoad --ports "$PORTS" --clients "$clients" \
    ${names:+--room-names "$names"} --rate "$rate" --warmup "$WARMUP" --duration "$DURATION" \
    --label "$server" >"$lat" 2>&1 &
  client=$!
  # Pacing starts as the line naming the rate is printed; read from just inside the counted window
  reading="$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d - 0.6 }')"
  before_s="" after_s=""
  if await_line 'publishes/s, warm-up' "$lat" "$client"; then
    sleep "$WARMUP.3"
    before_t="$(thread_ticks "${NODE_PIDS[@]}")"
    before_s="$(ticks "${NODE_PIDS[@]}")" before_r="$(ticks "${REDIS_PIDS[@]}")" before_c="$(redis_counters)"
    sleep "$reading"
    after_s="$(ticks "${NODE_PIDS[@]}")" after_r="$(ticks "${REDIS_PIDS[@]}")" after_c="$(redis_counters)"
    after_t="$(thread_ticks "${NODE_PIDS[@]}")"
  fi
  wait "$client" || true
  stop_nodes
  stop_redis_setup

  key="$setup|$server|$run"
  line="$(grep '^RESULT ' "$lat" || true)"
  L[$key|cpu_pub]=NA L[$key|busiest]=NA
  if [[ -z "$line" || -z "$after_s" ]]; then
    log "no load result for $name; see $lat"
    tail -5 "$lat" >&2
    return
  fi
  # The publications of the window: the rate the client kept (published over its counted
  # window) over the shorter reading window, shared out by the bytes each process received
  pubs="$(awk -v p="$(result_field "$line" published)" -v d="$DURATION" -v s="$reading" 'BEGIN { printf "%.0f", p / d * s }')"
  by_process="$(deltas "$before_r" "$after_r")"
  pubs_by_process="$(shared_out "$pubs" "$(counter_deltas "$before_c" "$after_c" 1)")"
  L[$key|pubs]="$pubs_by_process"
  L[$key|cpu_by_process]="$(paste <(tr '/' '\n' <<<"$by_process") <(tr '/' '\n' <<<"$pubs_by_process") |
    while read -r t c; do per_million "$t" "$c"; done | paste -sd/)"
  L[$key|cpu_pub]="$(per_million "$(sum_of "$by_process")" "$pubs")"
  L[$key|busiest]="$(tr '/' '\n' <<<"${L[$key|cpu_by_process]}" | awk '$1 != "NA" { if ($1 > m) m = $1; n++ } END { if (n) printf "%.4f", m; else print "NA" }')"
  L[$key|per_command]="$(per_each "$pubs_by_process" "$(counter_deltas "$before_c" "$after_c" 2)")"
  L[$key|per_read]="$(per_each "$pubs_by_process" "$(counter_deltas "$before_c" "$after_c" 3)")"
  L[$key|writes_per_pub]="$(per_each "$(counter_deltas "$before_c" "$after_c" 4)" "$pubs_by_process")"
  L[$key|server_cpu]="$(per_million "$(sum_of "$(deltas "$before_s" "$after_s")")" \
    "$(awk -v p="$pubs" -v c="$CLIENTS" -v r="$ROOMS" 'BEGIN { printf "%.0f", p * c / r }')")"
  echo "RESULT part=load setup=$setup server=$server run=$run rooms=$rooms clients=$clients rate=$rate rate_per_redis_process=$LOAD_RATE" \
    "published=$(result_field "$line" published) delivered=$(result_field "$line" delivered)/$(result_field "$line" expected)" \
    "publications_by_process=$pubs_by_process redis_cpu_s_per_million_publications=${L[$key|cpu_pub]}" \
    "redis_cpu_s_per_million_publications_by_process=${L[$key|cpu_by_process]}" \
    "publications_per_command_by_process=${L[$key|per_command]} publications_per_read_by_process=${L[$key|per_read]}" \
    "writes_per_publication_by_process=${L[$key|writes_per_pub]}" \
    "server_cpu_s_per_million_deliveries=${L[$key|server_cpu]} p50_us=$(result_field "$line" p50_us) p99_us=$(result_field "$line" p99_us)"
  echo "THREADS part=load setup=$setup server=$server run=$run servers' CPU by thread: $(thread_split "$before_t" "$after_t")"
  echo "$setup,$server,$run,$rooms,$clients,$rate,$LOAD_RATE,${L[$key|cpu_pub]},${L[$key|cpu_by_process]},${L[$key|busiest]},${L[$key|per_command]},${L[$key|per_read]},${L[$key|writes_per_pub]},${L[$key|server_cpu]}" >>"$LOAD_CSV"
}

run_load_part() {
  local run setup server base
  LOAD_CSV="$BUILD_DIR/cluster-load.csv"
  echo "setup,server,run,rooms,clients,rate,rate_per_redis_process,redis_cpu_s_per_million_publications,redis_cpu_by_process,busiest_process,publications_per_command_by_process,publications_per_read_by_process,writes_per_publication_by_process,server_cpu_s_per_million_deliveries" >"$LOAD_CSV"
  declare -gA L=()
  local most=1 per_process="$ROOMS"
  for setup in $REDIS_SETUPS; do
    [[ "$setup" == cluster* && "${setup#cluster}" -gt "$most" ]] && most="${setup#cluster}"
  done
  (( CLIENTS % (2 * ROOMS) == 0 )) || { log "CLIENTS=$CLIENTS does not fill ROOMS=$ROOMS rooms over 2 nodes evenly"; exit 1; }
  if [[ $((ROOMS * most)) -gt 1 ]]; then
    # Names for the largest setup; a setup of N processes takes the first ROOMS x N, which
    # land ROOMS on each of its processes
    ROOMS=$((ROOMS * most))
    pick_room_names
    ROOMS="$per_process"
    log "rooms: $ROOM_NAMES"
  fi
  for run in $(seq 1 "$REPEATS"); do
    for setup in $REDIS_SETUPS; do
      for server in $PEER_SERVERS; do
        run_load "$setup" "$server" "$run"
      done
    done
  done
  log "load: per Redis process $LOAD_RATE publishes/s, $ROOMS room(s), $CLIENTS clients; warm-up=${WARMUP}s counted=${DURATION}s"
  # Every setup against one master (or one Redis) at the same load per process: what adding
  # masters costs each publication, and so what capacity it adds (ideally N times)
  for run in $(seq 1 "$REPEATS"); do
    for server in $PEER_SERVERS; do
      for setup in $REDIS_SETUPS; do
        [[ "$setup" == cluster* && "$setup" != cluster1 ]] || continue
        for base in cluster1 single; do
          [[ " $REDIS_SETUPS " == *" $base "* ]] || continue
          echo "SCALE part=load run=$run server=$server $setup/$base same_load_per_process=$LOAD_RATE" \
            "redis_cpu_per_publication=$(ratio "${L[$setup|$server|$run|cpu_pub]}" "${L[$base|$server|$run|cpu_pub]}") (target <= 1)" \
            "busiest_process_cpu_per_publication=$(ratio "${L[$setup|$server|$run|busiest]}" "${L[$base|$server|$run|busiest]}")"
        done
      done
    done
  done
  log "wrote $LOAD_CSV"
}

for part in $PARTS; do
  case "$part" in
    scaling) run_scaling ;;
    peers) run_peers ;;
    load) run_load_part ;;
    *) log "unknown part '$part' (scaling, peers or load)"; exit 1 ;;
  esac
done
