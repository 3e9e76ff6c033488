/**
 * The controller both STOMP benchmark servers run, unchanged: Spring's own and
 * ws-pubsub's.
 */
@NullMarked
package dev.wspubsub.bench.stomproom;

import org.jspecify.annotations.NullMarked;
