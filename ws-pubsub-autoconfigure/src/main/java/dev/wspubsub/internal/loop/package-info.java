/**
 * Event-loop plumbing shared by the layers: handing work between Netty event loops in
 * batches. It imports nothing else of ws-pubsub, so {@code topic}, {@code transport} and
 * {@code endpoint} may all use it.
 */
@NullMarked
package dev.wspubsub.internal.loop;

import org.jspecify.annotations.NullMarked;
