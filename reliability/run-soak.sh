#!/usr/bin/env bash
# Reliability, soak, full form (issue 14, scenario 4): CONNECTIONS chat users in rooms of 10 on
# one sample-chat node (its own JVM, default profile) for DURATION at half of the highest rate
# the node sustained on the same connections just before (calibration: steps of STEP, each
# FACTOR times the last, until p99 passes BOUND or deliveries fall behind), or at RATE messages
# a second if given. The node's live heap after a full GC and its RSS are read every SAMPLE.
# Passes only if the heap from STEADY_FROM on stays within HEAP_TOLERANCE of its mean, the RSS
# grows by at most RSS_TOLERANCE over that time, every user is still connected, nothing was lost,
# doubled or reordered, and the node printed no LEAK: and no ERROR line.
# The short form (1,000 users, 45 s) runs in ./mvnw verify.
#   CONNECTIONS=10000 DURATION=PT30M reliability/run-soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Netty's leak detector at its default sampling (simple) in the node: at paranoid, the suite's
# level, every buffer records a stack trace, for thirty minutes, and the rate found would be
# the detector's. Simple still reports a leaked buffer as LEAK:, from a sample of them.
exec ./mvnw -B -q -pl sample-chat -am test-compile surefire:test@default-test -Dleak.detection.level=simple \
  -Dtest=SoakReliabilityTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.connections="${CONNECTIONS:-10000}" -Dreliability.duration="${DURATION:-PT30M}" \
  -Dreliability.connect-timeout="${CONNECT_TIMEOUT:-PT15M}" -Dreliability.sample="${SAMPLE:-PT1M}" -Dreliability.steady-from="${STEADY_FROM:-PT5M}" \
  -Dreliability.rate="${RATE:-0}" -Dreliability.calibration-step="${STEP:-PT15S}" \
  -Dreliability.calibration-factor="${FACTOR:-1.5}" -Dreliability.latency-bound="${BOUND:-PT0.2S}" \
  -Dreliability.heap-tolerance="${HEAP_TOLERANCE:-0.05}" -Dreliability.rss-tolerance="${RSS_TOLERANCE:-0.05}" \
  -Dreliability.history="${HISTORY:-1000}" -Dreliability.calibration-max="${MAX_RATE:-1000000}"
