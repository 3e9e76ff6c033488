/** JMH benchmarks of the topic registry and its fan-out. */
@NullMarked
package dev.wspubsub.bench.jmh;

import org.jspecify.annotations.NullMarked;
