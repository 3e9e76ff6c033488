/**
 * Spring's STOMP greeting guide on WebFlux: the controller is unchanged, the
 * {@code WebSocketMessageBrokerConfigurer} gives way to {@code ws-pubsub.stomp.*}.
 */
@NullMarked
package dev.wspubsub.sample.stomp;

import org.jspecify.annotations.NullMarked;
