#!/usr/bin/env bash
# Reliability, rolling restart (issue 26).
#
# Default form: CLIENTS readers of a topic with history on node A of two; node B publishes
# every 10 ms; node A is drained (1012 in batches over DRAIN) and each reader comes back to
# node B at a random moment within the WINDOW the close reason names, as the browser client
# does, and resumes from its last position. The readers are threads of the servers' JVM.
# The short form (100 readers, 2 s drain, 2 s window) runs in ./mvnw verify.
#   CLIENTS=1000 DRAIN=10s WINDOW=5s READ_TIMEOUT=1s reliability/run-rolling-restart.sh
#
# EXTERNAL=1: the issue's full form. CLIENTS readers in a Node process of their own
# (reliability/rolling-restart-readers.mjs), half on node A and half on node B; a third node
# publishes every PUBLISH_EVERY ms. Node A is drained (its readers resume on B) and started
# again, then node B is drained (every reader ends on A). The servers' JVM holds only the
# servers' sockets (the limit is 20,000 open files per process), with Netty's default leak
# detection (LEAK_DETECTION) instead of the tests' paranoid one, which records a stack
# trace at every access of a buffer.
#   EXTERNAL=1 CLIENTS=10000 DRAIN=20s WINDOW=5s reliability/run-rolling-restart.sh
#
# Both pass only if no reader loses a publication, gets one twice or is answered "not
# recovered"; they print the peak reconnects per second on the node the readers move to and
# the time until every reader is back. READ_TIMEOUT is the nodes'
# ws-pubsub.fanout.redis.command-timeout: a resume whose history read takes longer is
# answered "not recovered".
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${CLIENTS:-1000}"
DRAIN="${DRAIN:-10s}"
WINDOW="${WINDOW:-5s}"
READ_TIMEOUT="${READ_TIMEOUT:-1s}"
EXTERNAL="${EXTERNAL:-0}"
PUBLISH_EVERY="${PUBLISH_EVERY:-100}"
LEAK_DETECTION="${LEAK_DETECTION:-simple}"
if [ "$EXTERNAL" = "1" ]; then
  TEST='RollingRestartTests#bothNodesRestartedInTurnWhileReadersInAnotherProcessMoveBetweenThemLosingNothing'
  EXTRA=(-Dreliability.roll.external=true -Dreliability.roll.publish-every="$PUBLISH_EVERY"
    -Dleak.detection.level="$LEAK_DETECTION")
else
  TEST='RollingRestartTests#theDrainedNodesReadersComeBackToTheOtherSpreadOverTheWindowAndLoseNothing'
  EXTRA=()
fi
./mvnw -B -q -pl ws-pubsub-test,ws-pubsub-autoconfigure test-compile surefire:test@default-test \
  -Dtest="$TEST" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.roll.clients="$CLIENTS" -Dreliability.roll.drain="$DRAIN" -Dreliability.roll.window="$WINDOW" \
  -Dreliability.roll.read-timeout="$READ_TIMEOUT" "${EXTRA[@]}"
grep -ho '\[rolling-restart\][^<]*' ws-pubsub-autoconfigure/target/surefire-reports/TEST-dev.wspubsub.gaps.RollingRestartTests.xml
