/**
 * The chat benchmark on idiomatic Spring WebFlux: one {@code Sinks.Many} per room, no
 * ws-pubsub.
 */
@NullMarked
package dev.wspubsub.bench.sinks;

import org.jspecify.annotations.NullMarked;
