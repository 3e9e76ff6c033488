#!/usr/bin/env bash
# Reliability, node crash, full form (issue 14, scenario 2): two sample-chat nodes in their own
# JVMs on one Redis; node A is killed with SIGKILL every INTERVAL for CYCLES cycles while the
# room's writers on node B keep chatting; A's readers resume on B with their positions and
# move back when A is up again. Passes only with 0 lost and 0 duplicated for every reader.
# The short form (3 cycles of 3 s) runs in ./mvnw verify.
#   CYCLES=10 INTERVAL=PT20S reliability/run-node-crash.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CYCLES="${CYCLES:-10}"
INTERVAL="${INTERVAL:-PT20S}"
exec ./mvnw -B -q -pl sample-chat -am test-compile surefire:test@default-test \
  -Dtest=NodeCrashReliabilityTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.cycles="$CYCLES" -Dreliability.interval="$INTERVAL"
