package dev.wspubsub;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One open WebSocket connection, as Bun's {@code ServerWebSocket}.
 *
 * <pre class="code">
 * &#64;OnMessage("join_room")
 * void join(WsSession&lt;ChatUser&gt; ws, JoinRoom msg) {
 *     ws.subscribe("room:" + msg.room());
 *     ws.publish("room:" + msg.room(), new UserJoined(ws.data().name()));
 * }
 * </pre>
 *
 * Send methods never throw for a closed or slow peer; they answer a status instead: the
 * number of bytes written (the whole frame, header included, so always {@code > 0}),
 * {@link #BACKPRESSURE} ({@code -1}) when the message was queued behind the connection's
 * backpressure limit, or {@link #DROPPED} ({@code 0}) when it was not sent (connection
 * closed, or over the limit with close-on-backpressure-limit). All methods are safe to
 * call from any thread.
 *
 * @param <T> the type of the data attached at upgrade by {@code @OnUpgrade}
 */
public interface WsSession<T> {

	/** Send status: the message was queued behind backpressure. */
	int BACKPRESSURE = -1;

	/** Send status: the message was dropped. */
	int DROPPED = 0;

	/** {@link #readyState()}: the upgrade is in progress. */
	int CONNECTING = 0;

	/** {@link #readyState()}: open, messages flow. */
	int OPEN = 1;

	/** {@link #readyState()}: a close frame was sent or received. */
	int CLOSING = 2;

	/** {@link #readyState()}: the connection is closed. */
	int CLOSED = 3;

	/** Unique id of this connection on this node. */
	String id();

	/** The data returned by {@code @OnUpgrade}, or {@code null} when there is none. */
	T data();

	/** Replaces the data attached to this connection. */
	void data(T data);

	/** The authenticated principal established at upgrade, or {@code null}. */
	@Nullable Principal principal();

	/** The peer's address. */
	InetSocketAddress remoteAddress();

	/** The path of the endpoint this connection belongs to. */
	String path();

	/** The negotiated subprotocol, or {@code null}. */
	@Nullable String subprotocol();

	/** One of {@link #CONNECTING}, {@link #OPEN}, {@link #CLOSING}, {@link #CLOSED}. */
	int readyState();

	/** Bytes written to this connection that the peer has not yet taken. */
	long bufferedAmount();

	/**
	 * Sends a message: a {@code String} as text, a {@code byte[]} or {@link ByteBuffer}
	 * as binary, anything else as JSON text.
	 * @return bytes written, {@link #BACKPRESSURE} or {@link #DROPPED}
	 */
	int send(Object message);

	/**
	 * As {@link #send(Object)}, compressed with permessage-deflate when negotiated and
	 * {@code compress} is true.
	 */
	int send(Object message, boolean compress);

	/** Sends a text message. */
	int sendText(String text);

	/** Sends a text message, compressed when negotiated and {@code compress} is true. */
	int sendText(String text, boolean compress);

	/** Sends a binary message. */
	int sendBinary(byte[] data);

	/**
	 * Sends a binary message, compressed when negotiated and {@code compress} is true.
	 */
	int sendBinary(byte[] data, boolean compress);

	/**
	 * Publishes to every subscriber of {@code topic} on every node, except this
	 * connection unless {@code publish-to-self} is set.
	 * @return the payload size in bytes, or {@code 0} when nobody received it
	 */
	int publish(String topic, Object message);

	/** As {@link #publish(String, Object)}, with compression when negotiated. */
	int publish(String topic, Object message, boolean compress);

	/** Subscribes to a topic. @return {@code true} when newly subscribed */
	boolean subscribe(String topic);

	/**
	 * Subscribes to a topic with history and recovers what this client missed since it
	 * last saw {@code since}: {@code beforeLive} is handed every publication after
	 * {@code since} when the history still holds them all ({@link Recovery#recovered()}),
	 * otherwise the newest {@code latest} ones and the current position. It runs on this
	 * connection's event loop before any live message of {@code topic} reaches the
	 * client, so what it sends (say, one reply carrying the missed messages) goes out
	 * first; live messages it already accounts for are dropped, so the client gets each
	 * publication once and in order. <pre class="code">
	 * ws.subscribe("room:" + room, since, 50, (recovery) -&gt;
	 *     ws.send(new RoomJoined(room, recovery.recovered(), recovery.position(), recovery.publications())));
	 * </pre>
	 * @param since the position of the last publication the client saw; {@code null} for
	 * none
	 * @param latest how many of the newest publications to hand over when not recovered
	 * @return {@code false} when the subscribe was refused or the connection is closing:
	 * {@code beforeLive} is then never called
	 * @throws IllegalArgumentException when {@code topic} keeps no history
	 */
	boolean subscribe(String topic, @Nullable StreamPosition since, int latest, Consumer<? super Recovery> beforeLive);

	/** Unsubscribes from a topic. @return {@code true} when it was subscribed */
	boolean unsubscribe(String topic);

	/** Whether this connection is subscribed to {@code topic}. */
	boolean isSubscribed(String topic);

	/** A snapshot of this connection's topics. */
	Set<String> subscriptions();

	/**
	 * Runs {@code writes} so that every message, ping and pong it sends goes out in one
	 * flush, in order, when it returns. Called off the connection's event loop, it runs
	 * {@code writes} there later and returns at once.
	 */
	void cork(Runnable writes);

	/** Closes cleanly with 1000. */
	void close();

	/** Closes cleanly with {@code code} and {@code reason}. */
	void close(int code, String reason);

	/** Drops the TCP connection without a close handshake. */
	void terminate();

	/** Sends a ping with {@code data} (at most 125 bytes). */
	int ping(byte[] data);

	/** Sends a pong with {@code data} (at most 125 bytes). */
	int pong(byte[] data);

}
