package dev.wspubsub.internal.security;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.OutboundMessage;
import org.jspecify.annotations.Nullable;

/** Passes every event to another handler; guards override the events they intercept. */
abstract class DelegatingConnectionHandler implements ConnectionHandler {

	private final ConnectionHandler delegate;

	DelegatingConnectionHandler(ConnectionHandler delegate) {
		this.delegate = delegate;
	}

	@Override
	public void onOpen(WsConnection connection) {
		this.delegate.onOpen(connection);
	}

	@Override
	public void onText(WsConnection connection, String text) {
		this.delegate.onText(connection, text);
	}

	@Override
	public void onBinary(WsConnection connection, byte[] data) {
		this.delegate.onBinary(connection, data);
	}

	@Override
	public void onPing(WsConnection connection, byte[] data) {
		this.delegate.onPing(connection, data);
	}

	@Override
	public void onPong(WsConnection connection, byte[] data) {
		this.delegate.onPong(connection, data);
	}

	@Override
	public void onDrain(WsConnection connection) {
		this.delegate.onDrain(connection);
	}

	@Override
	public void onTopicDenied(WsConnection connection, String topic) {
		this.delegate.onTopicDenied(connection, topic);
	}

	@Override
	public void onTopicRefused(WsConnection connection, String error) {
		this.delegate.onTopicRefused(connection, error);
	}

	@Override
	public @Nullable Object topicResetNotice(WsConnection connection, String topic, StreamPosition current,
			OutboundMessage defaultNotice) {
		return this.delegate.topicResetNotice(connection, topic, current, defaultNotice);
	}

	@Override
	public void onClose(WsConnection connection, int code, String reason) {
		this.delegate.onClose(connection, code, reason);
	}

}
