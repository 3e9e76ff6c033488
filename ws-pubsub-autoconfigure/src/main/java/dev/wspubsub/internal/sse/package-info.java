/**
 * The Server-Sent Events bridge: a topic streamed as {@code text/event-stream} to clients
 * that cannot or need not open a WebSocket.
 */
@NullMarked
package dev.wspubsub.internal.sse;

import org.jspecify.annotations.NullMarked;
