package dev.wspubsub.internal.transport;

import dev.wspubsub.ErrorReply;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.spi.OutboundMessage;
import org.jspecify.annotations.Nullable;

/**
 * What happens on a connection, told by the transport on the connection's event loop. The
 * endpoint layer implements it; the transport knows nothing of annotations.
 */
public interface ConnectionHandler {

	void onOpen(WsConnection connection);

	/**
	 * A complete text message, already checked to be UTF-8 and within the payload limit.
	 */
	void onText(WsConnection connection, String text);

	/** A complete binary message within the payload limit. */
	void onBinary(WsConnection connection, byte[] data);

	/** A ping, already answered with a pong. */
	void onPing(WsConnection connection, byte[] data);

	void onPong(WsConnection connection, byte[] data);

	/** The connection was over its backpressure limit and is writable again. */
	void onDrain(WsConnection connection);

	/**
	 * The {@code TopicAuthorizer} refused the connection's own subscribe or publish to
	 * {@code topic}; tell the client. Called on the thread that subscribed or published.
	 */
	void onTopicDenied(WsConnection connection, String topic);

	/**
	 * A topic limit refused the connection's own subscribe or publish; tell the client
	 * {@code error}. Called on the thread that subscribed or published.
	 */
	default void onTopicRefused(WsConnection connection, String error) {
		connection.send(ErrorReply.of(error));
	}

	/**
	 * The notice telling the connection's client that a gap in {@code topic} could not be
	 * repaired and that it goes on from {@code current}: an object the connection
	 * encodes, or {@code defaultNotice} itself, or {@code null} for none. Called on the
	 * connection's event loop, in the topic's order.
	 */
	default @Nullable Object topicResetNotice(WsConnection connection, String topic, StreamPosition current,
			OutboundMessage defaultNotice) {
		return defaultNotice;
	}

	/** The connection closed; its subscriptions are already gone. */
	void onClose(WsConnection connection, int code, String reason);

}
