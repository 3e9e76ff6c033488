#!/usr/bin/env bash
# Reliability, rolling restart (issue 26): CLIENTS readers of a topic with history on node A
# of two; node B publishes every 10 ms; node A is drained (1012 in batches over DRAIN) and
# each reader comes back to node B at a random moment within the WINDOW the close reason
# names, as the browser client does, and resumes from its last position. Passes only if no
# reader loses a publication; prints the peak reconnects per second on node B and the time
# until every reader is back.
# The short form (100 readers, 2 s drain, 2 s window) runs in ./mvnw verify.
# READ_TIMEOUT is node B's ws-pubsub.fanout.redis.command-timeout: a resume whose history read
# takes longer is answered "not recovered" (counted apart from losses).
#   CLIENTS=1000 DRAIN=10s WINDOW=5s READ_TIMEOUT=1s reliability/run-rolling-restart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${CLIENTS:-1000}"
DRAIN="${DRAIN:-10s}"
WINDOW="${WINDOW:-5s}"
READ_TIMEOUT="${READ_TIMEOUT:-1s}"
./mvnw -B -q -pl ws-pubsub-autoconfigure -am test-compile surefire:test@default-test \
  -Dtest=RollingRestartTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.roll.clients="$CLIENTS" -Dreliability.roll.drain="$DRAIN" -Dreliability.roll.window="$WINDOW" \
  -Dreliability.roll.read-timeout="$READ_TIMEOUT"
grep -ho '\[rolling-restart\][^<]*' ws-pubsub-autoconfigure/target/surefire-reports/TEST-dev.wspubsub.gaps.RollingRestartTests.xml
