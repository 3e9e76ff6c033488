#!/usr/bin/env bash
# Reliability, hostile clients, full form (issue 24): while two bystanders chat on a sample-chat
# node joined to Redis, attackers loop for PHASE over the doors the issue found: event streams of
# the node's own probe channel opened and closed (1), a client that pings and never reads (2),
# streams from a foreign origin and past the per-address cap (3), 2,000-character topic names and
# history reads of rooms no one wrote in (4), half-sent fragmented messages kept alive by pings (7).
# Passes only if Bob hears every one of Ann's messages in order, the node's fan-out stays up
# (sampled every 50 ms) and its /health says healthy, every attack ends as its guard says, the
# pinging client's buffer stays within the hard cap (4 x backpressure-limit = 4 MB, plus one pong),
# no history read leaves a key in Redis, and the heap after GC grows by less than 32 MB.
# The short form (5 s) runs in ./mvnw verify. Extra arguments go to Maven.
#   PHASE=PT60S reliability/run-hostile-clients.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Netty's leak detector at its default sampling: at paranoid (the test suite's level) every buffer
# records a stack trace, and the heap figures would be the detector's.
exec ./mvnw -B -q -pl sample-chat -am test-compile surefire:test@default-test -Dleak.detection.level=simple \
  -Dtest=HostileClientsReliabilityTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.hostile="${PHASE:-PT60S}" "$@"
