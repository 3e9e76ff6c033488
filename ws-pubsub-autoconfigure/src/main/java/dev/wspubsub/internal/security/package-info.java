/**
 * Security of ws-pubsub endpoints: bearer-token authentication at the upgrade (through
 * Spring Security's reactive resource server), token expiry and refresh, the origin
 * check, topic authorization, message rate limits, connection caps and the handshake
 * timeout. Only the classes named for Spring Security need it on the classpath.
 */
@NullMarked
package dev.wspubsub.internal.security;

import org.jspecify.annotations.NullMarked;
