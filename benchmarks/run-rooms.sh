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
# The runs themselves are run-latency.sh's, with the clients spread over the rooms.
set -euo pipefail

CONNECTIONS="${CONNECTIONS:-2000}"
ROOMS="${ROOMS:-200}"
INTERVAL_MS="${INTERVAL_MS:-100}"

if (( CONNECTIONS % ROOMS != 0 )); then
  echo "CONNECTIONS=$CONNECTIONS does not fill ROOMS=$ROOMS evenly" >&2; exit 1
fi
# Room for the JVM's own files (jars, epoll, pipes) besides the sockets
if (( CONNECTIONS + 500 > $(ulimit -n) )); then
  echo "CONNECTIONS=$CONNECTIONS needs more than the $(ulimit -n) open files a process may have here" >&2; exit 1
fi

# Every client once per interval, in turn
exec env CLIENTS="$CONNECTIONS" ROOMS="$ROOMS" RATE=$(( CONNECTIONS * 1000 / INTERVAL_MS )) NAME=rooms \
  "$(dirname "$0")/run-latency.sh"
