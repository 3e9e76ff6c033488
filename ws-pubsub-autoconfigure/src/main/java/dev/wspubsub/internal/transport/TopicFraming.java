package dev.wspubsub.internal.transport;

import dev.wspubsub.spi.OutboundMessage;

/**
 * Writes a topic's message to one connection whose protocol wraps every message in a
 * frame of its own (STOMP's MESSAGE), instead of the message as it was published. Called
 * on the connection's event loop, after any resume has let the message through.
 */
@FunctionalInterface
public interface TopicFraming {

	/**
	 * Writes {@code message}, published on {@code topic}, to {@code connection}; the
	 * caller keeps its reference to {@code message}.
	 */
	void deliver(WsConnection connection, String topic, OutboundMessage message);

}
