#!/usr/bin/env bash
# Reliability, Redis flapping, full form (issue 14, scenario 1): two sample-chat nodes chat while
# their Redis is killed and started again every 10 s for 3 minutes (DOWN + UP per flap). Passes
# only if each node's own people get every message of their node once, every request is
# answered within 2 s, cross-node delivery is back within 5 s of each return, and a reader
# resuming from before an outage is told its gap cannot be recovered.
# The short form (3 flaps of 2 s down, 3 s up) runs in ./mvnw verify.
#   FLAPS=18 DOWN=PT5S UP=PT5S reliability/run-redis-flapping.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FLAPS="${FLAPS:-18}"
DOWN="${DOWN:-PT5S}"
UP="${UP:-PT5S}"
exec ./mvnw -B -q -pl sample-chat -am test-compile surefire:test@default-test \
  -Dtest=RedisFlappingReliabilityTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.flaps="$FLAPS" -Dreliability.down="$DOWN" -Dreliability.up="$UP"
