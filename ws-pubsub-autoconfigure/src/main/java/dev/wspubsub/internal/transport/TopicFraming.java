package dev.wspubsub.internal.transport;

import java.util.function.Consumer;

import dev.wspubsub.spi.OutboundMessage;

/**
 * Writes a topic's message to one connection whose protocol wraps every message in a
 * frame of its own (STOMP's MESSAGE), instead of the message as it was published. Called
 * on the connection's event loop, after any resume has let the message through.
 */
@FunctionalInterface
public interface TopicFraming {

	/**
	 * Writes {@code message}, published on {@code topic}, to {@code connection} through
	 * {@code write}, which counts it as a topic delivery, not as a send; the caller keeps
	 * its reference to {@code message}, and {@code write} does not take the framed ones.
	 */
	void deliver(WsConnection connection, String topic, OutboundMessage message, Consumer<OutboundMessage> write);

}
