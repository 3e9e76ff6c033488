#!/usr/bin/env bash
# Reliability, gaps (issue 26): node A publishes to a topic with history every few
# milliseconds while Redis cuts both nodes' pub/sub connections, first with
# CLIENT KILL TYPE pubsub, then by dropping them for overflowing a tiny
# client-output-buffer-limit (one message in CUT_EVERY is 20 KB). Passes only if the
# subscribers that stayed connected, on node A and on node B, end with every publication in
# order exactly once, or with a reset notice where that was impossible; prints how many gaps
# each node repaired and how many resets it sent, by cause.
# The short form (300 publications, a cut every 60) runs in ./mvnw verify.
#   MESSAGES=3000 CUT_EVERY=50 reliability/run-gap-repair.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES="${MESSAGES:-3000}"
CUT_EVERY="${CUT_EVERY:-50}"
./mvnw -B -q -pl ws-pubsub-autoconfigure -am test-compile surefire:test@default-test \
  -Dtest=GapRepairTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.gap.messages="$MESSAGES" -Dreliability.gap.cut-every="$CUT_EVERY"
grep -h '\[gap-repair\]' ws-pubsub-autoconfigure/target/surefire-reports/dev.wspubsub.gaps.GapRepairTests-output.txt 2>/dev/null \
  || grep -ho '\[gap-repair\][^<]*' ws-pubsub-autoconfigure/target/surefire-reports/TEST-dev.wspubsub.gaps.GapRepairTests.xml
