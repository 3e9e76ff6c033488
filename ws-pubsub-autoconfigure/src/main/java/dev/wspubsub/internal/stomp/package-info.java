/**
 * STOMP 1.0-1.2 over ws-pubsub's WebSocket connections: a frame codec, the broker whose
 * destinations are ws-pubsub topics, and the bridge to Spring's messaging annotations.
 */
@NullMarked
package dev.wspubsub.internal.stomp;

import org.jspecify.annotations.NullMarked;
