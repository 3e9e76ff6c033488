/**
 * What the JSON endpoints and the STOMP controllers share to run handler methods: one
 * invoker (on the caller's thread or on a pool, observed by the metrics listener) and one
 * way of sending what a handler returned, a value or a stream.
 */
@NullMarked
package dev.wspubsub.internal.dispatch;

import org.jspecify.annotations.NullMarked;
