/** The STOMP chat benchmark server on ws-pubsub (WebFlux, Reactor Netty). */
@NullMarked
package dev.wspubsub.bench.stomp;

import org.jspecify.annotations.NullMarked;
