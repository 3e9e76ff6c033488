#!/usr/bin/env bash
# Reliability, slow consumer, full form (issue 14, scenario 3): a member of a busy room (1 KB
# messages, one a millisecond, to 4 readers) stops reading. Passes only if the others get every
# message with throughput and p99 latency within TOLERANCE (10 %) of a run without it, the slow
# client is held at the documented cap (4 x backpressure-limit) and its drops are counted.
# Run it on a quiet machine: the comparison is between two runs of the same process.
#   MESSAGES=30000 TOLERANCE=0.10 reliability/run-slow-consumer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Netty's leak detector at its default sampling: at paranoid (the test suite's level) every buffer
# records a stack trace, and the figures would be the detector's.
exec ./mvnw -B -q -pl sample-chat -am test-compile surefire:test@default-test -Dleak.detection.level=simple \
  -Dtest=SlowConsumerReliabilityTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.messages="${MESSAGES:-30000}" -Dreliability.tolerance="${TOLERANCE:-0.10}" \
  -Dreliability.slack="${SLACK:-PT0.005S}"
