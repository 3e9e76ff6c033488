/**
 * The STOMP chat benchmark server on Spring's own STOMP support: Spring MVC,
 * spring-websocket, the simple broker, Tomcat.
 */
@NullMarked
package dev.wspubsub.bench.stompspring;

import org.jspecify.annotations.NullMarked;
