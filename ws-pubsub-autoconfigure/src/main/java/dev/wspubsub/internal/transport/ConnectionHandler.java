package dev.wspubsub.internal.transport;

import dev.wspubsub.ErrorReply;

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

	/** The connection closed; its subscriptions are already gone. */
	void onClose(WsConnection connection, int code, String reason);

}
