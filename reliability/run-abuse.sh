#!/usr/bin/env bash
# Reliability, abuse, full form (issue 14, scenario 5): while two bystanders chat, one address
# (127.0.0.2, a JVM of its own) sends malformed frames, oversized frames and compressed bombs and
# floods the server with upgrades (25 of each kind a second). Passes only if every bad connection
# is refused at the upgrade or closed with its RFC 6455 code, the bystanders get every message in
# order with a p99 within FACTOR of the calm one (+ SLACK), and the heap after GC grows by less
# than 32 MB. Extra arguments go to Maven, e.g. -Dreliability.max-upgrades-per-ip-per-second=0.
#   PHASE=PT30S FACTOR=1.2 SLACK=PT0.005S reliability/run-abuse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Netty's leak detector at its default sampling: at paranoid (the test suite's level) every buffer
# records a stack trace, and the figures would be the detector's.
# SERVER_CPUS and ATTACKER_CPUS (taskset lists, e.g. 0 and 1) give the server and the attackers
# cores of their own, as an attacker brings its own machine; unset, they share all of them.
pin=()
if [ -n "${SERVER_CPUS:-}" ]; then pin=(taskset -c "$SERVER_CPUS"); fi
if [ -n "${ATTACKER_CPUS:-}" ]; then set -- "$@" -Dreliability.attacker-cpus="$ATTACKER_CPUS"; fi
exec "${pin[@]}" ./mvnw -B -q -pl sample-chat -am test-compile surefire:test@default-test -Dleak.detection.level=simple \
  -Dtest=AbuseReliabilityTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.abuse="${PHASE:-PT30S}" -Dreliability.factor="${FACTOR:-1.2}" -Dreliability.slack="${SLACK:-PT0.005S}" "$@"
