package dev.wspubsub.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Makes a bean a WebSocket endpoint on the WebFlux port, as one Bun {@code websocket}
 * handler object. Upgrades pass through the application's {@code WebFilter}s (Spring
 * Security included) before {@link OnUpgrade} runs.
 *
 * <pre class="code">
 * &#64;WsEndpoint(path = "/ws", maxPayloadLength = "64KB", idleTimeout = "60s")
 * class ChatEndpoint {
 *     &#64;OnOpen void open(WsSession&lt;ChatUser&gt; ws) { ws.subscribe("lobby"); }
 * }
 * </pre>
 *
 * Every setting is a string that may hold a {@code ${placeholder}}; an empty string
 * inherits the {@code ws-pubsub.*} property of the same name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Component
public @interface WsEndpoint {

	/** The path, such as {@code /ws}. Alias of {@link #path()}. */
	@AliasFor("path")
	String value() default "";

	/** The path, such as {@code /ws}. */
	@AliasFor("value")
	String path() default "";

	/** Overrides {@code ws-pubsub.max-payload-length}, such as {@code 64KB}. */
	String maxPayloadLength() default "";

	/**
	 * Overrides {@code ws-pubsub.idle-timeout}, such as {@code 60s}; {@code 0} disables
	 * it.
	 */
	String idleTimeout() default "";

	/** Overrides {@code ws-pubsub.send-pings}: {@code true} or {@code false}. */
	String sendPings() default "";

	/** Overrides {@code ws-pubsub.backpressure-limit}, such as {@code 1MB}. */
	String backpressureLimit() default "";

	/**
	 * Overrides {@code ws-pubsub.close-on-backpressure-limit}: {@code true} or
	 * {@code false}.
	 */
	String closeOnBackpressureLimit() default "";

	/** Overrides {@code ws-pubsub.publish-to-self}: {@code true} or {@code false}. */
	String publishToSelf() default "";

	/**
	 * Overrides {@code ws-pubsub.per-message-deflate.enabled}: {@code true} or
	 * {@code false}.
	 */
	String perMessageDeflate() default "";

	/**
	 * Whether upgrades must carry a valid bearer token: {@code true} or {@code false}; an
	 * empty string leaves it to {@code ws-pubsub.security.authenticated-paths}. Without a
	 * token the client gets 401 and no WebSocket.
	 */
	String authenticated() default "";

	/** Subprotocols this endpoint accepts, in order of preference; empty accepts none. */
	String[] subprotocols() default {};

}
