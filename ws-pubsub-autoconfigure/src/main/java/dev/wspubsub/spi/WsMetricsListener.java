package dev.wspubsub.spi;

import java.util.List;

import dev.wspubsub.WsSession;
import org.jspecify.annotations.Nullable;

/**
 * Told what happens on this node's connections, for metrics and tracing. Every method has
 * an empty default, so an implementation overrides only what it counts. Register one as a
 * bean: ws-pubsub calls every such bean; with none registered the calls cost nothing.
 *
 * <p>
 * Methods are called on the thread where the event happens, usually a connection's event
 * loop: they must be quick and must not block. Publishes are told once per publish with
 * the number of local subscribers reached, never once per subscriber.
 *
 * <pre class="code">
 * &#64;Bean
 * WsMetricsListener rejectedUpgrades(MyStats stats) {
 *   return new WsMetricsListener() {
 *     &#64;Override
 *     public void upgradeRejected(String path, String reason) {
 *       stats.increment(path, reason);
 *     }
 *   };
 * }
 * </pre>
 */
public interface WsMetricsListener {

	/** Why an upgrade was refused: not a WebSocket request (426). */
	String REJECTED_NOT_WEBSOCKET = "not-websocket";

	/** Why an upgrade was refused: not a GET, or no {@code Sec-WebSocket-Key} (400). */
	String REJECTED_BAD_HANDSHAKE = "bad-handshake";

	/** Why an upgrade was refused: a WebSocket version other than 13 (426). */
	String REJECTED_UNSUPPORTED_VERSION = "unsupported-version";

	/** Why an upgrade was refused: the server is shutting down (503). */
	String REJECTED_SHUTTING_DOWN = "shutting-down";

	/** Why an upgrade was refused: {@code ws-pubsub.max-connections} reached (503). */
	String REJECTED_TOO_MANY_CONNECTIONS = "too-many-connections";

	/**
	 * Why an upgrade was refused: {@code ws-pubsub.max-connections-per-ip} reached for
	 * its address (429).
	 */
	String REJECTED_TOO_MANY_CONNECTIONS_PER_ADDRESS = "too-many-connections-per-ip";

	/**
	 * Why an upgrade was refused: {@code ws-pubsub.max-upgrades-per-ip-per-second} passed
	 * for its address (429).
	 */
	String REJECTED_UPGRADE_RATE = "upgrade-rate";

	/**
	 * Why an upgrade was refused: {@code @OnUpgrade} threw an
	 * {@link UpgradeRejectedException}.
	 */
	String REJECTED_BY_APPLICATION = "application";

	/** Why a message was dropped: the connection was closing or closed. */
	String DROPPED_CLOSED = "closed";

	/**
	 * Why a message was dropped: it would cross the backpressure limit with
	 * {@code close-on-backpressure-limit}.
	 */
	String DROPPED_BACKPRESSURE_LIMIT = "backpressure-limit";

	/**
	 * {@link #dropped} reason: the peer stopped reading and its buffer passed the hard
	 * cap (4x the limit).
	 */
	String DROPPED_SLOW_CONSUMER = "slow-consumer";

	/**
	 * {@link #topicRefused} reason: a client's topic name was longer than
	 * {@code ws-pubsub.max-topic-length}.
	 */
	String TOPIC_REFUSED_TOO_LONG = "topic-too-long";

	/**
	 * {@link #topicRefused} reason: a connection already held
	 * {@code ws-pubsub.max-topics-per-connection} topics.
	 */
	String TOPIC_REFUSED_TOO_MANY = "too-many-topics";

	/** The listener that does nothing. */
	WsMetricsListener NONE = new WsMetricsListener() {
	};

	/** A connection is open and registered. */
	default void connectionOpened(WsSession<?> session) {
	}

	/**
	 * A connection has closed with {@code code} (1006 when it dropped without a close
	 * frame).
	 */
	default void connectionClosed(WsSession<?> session, int code) {
	}

	/** A complete text or binary message of {@code bytes} payload bytes arrived. */
	default void messageReceived(WsSession<?> session, boolean text, int bytes) {
	}

	/**
	 * A message of {@code bytes} payload bytes was written or queued to one connection by
	 * a send or a reply.
	 */
	default void messageSent(WsSession<?> session, int bytes) {
	}

	/**
	 * A message of {@code bytes} payload bytes was published and handed to
	 * {@code subscribers} local subscribers (those of other nodes are not counted here).
	 */
	default void published(int subscribers, int bytes) {
	}

	/**
	 * A connection crossed its backpressure limit; told once per crossing, not per queued
	 * message.
	 */
	default void backpressure(WsSession<?> session) {
	}

	/**
	 * A message for {@code session} was dropped; {@code reason} is one of the
	 * {@code DROPPED_*} constants.
	 */
	default void dropped(WsSession<?> session, String reason) {
	}

	/**
	 * A subscriber resumed a topic from a position on the endpoint at {@code path}
	 * ({@code null} for an SSE stream): {@code replayed} publications were recovered, or
	 * it could not be ({@code recovered} false).
	 */
	default void resumed(@Nullable String path, boolean recovered, int replayed) {
	}

	/**
	 * An upgrade to endpoint {@code path} was refused; {@code reason} is one of the
	 * {@code REJECTED_*} constants.
	 */
	default void upgradeRejected(String path, String reason) {
	}

	/**
	 * A client's subscribe or publish (or SSE stream) on the endpoint at {@code path}
	 * ({@code null} for an SSE stream) was refused by a topic limit; {@code reason} is
	 * one of the {@code TOPIC_REFUSED_*} constants.
	 */
	default void topicRefused(@Nullable String path, String reason) {
	}

	/**
	 * A handler method is about to run for {@code session}. The returned call is ended
	 * when the method returns or throws, on the same thread.
	 * @param messageType the JSON {@code type} for typed messages, else {@code text},
	 * {@code binary}, {@code open}, {@code close}, {@code drain}, {@code ping} or
	 * {@code pong}; for STOMP controller methods {@code stomp-send} or
	 * {@code stomp-subscribe}
	 */
	default HandlerCall handlerStarted(WsSession<?> session, String messageType) {
		return HandlerCall.NONE;
	}

	/**
	 * One listener that calls each of {@code listeners} in order.
	 * @return {@link #NONE} for none, the listener itself for one
	 */
	static WsMetricsListener of(List<WsMetricsListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> NONE;
			case 1 -> listeners.get(0);
			default -> new CompositeWsMetricsListener(listeners);
		};
	}

	/** A handler call in progress, as {@link #handlerStarted} began it. */
	interface HandlerCall {

		/** The call that records nothing. */
		HandlerCall NONE = new HandlerCall() {
		};

		/** The handler threw {@code error}; {@link #end()} follows. */
		default void failed(Throwable error) {
		}

		/** The handler returned or threw. */
		default void end() {
		}

	}

}
