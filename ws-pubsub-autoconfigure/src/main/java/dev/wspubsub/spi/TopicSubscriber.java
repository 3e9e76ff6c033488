package dev.wspubsub.spi;

import dev.wspubsub.StreamPosition;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/**
 * Something that receives the messages of the topics it subscribed to. Implemented by the
 * library's WebSocket, SSE and STOMP subscribers; {@link #deliver} is called on the
 * subscriber's own {@link #eventLoop()} (or the publishing thread when it has none) and
 * must not block or keep the message beyond the call without retaining it.
 */
public interface TopicSubscriber {

	/**
	 * The event loop {@link #deliver} must run on, so subscribers of one loop are served
	 * by one task per publish; {@code null} to be called on the publishing thread.
	 */
	@Nullable EventLoop eventLoop();

	/**
	 * Takes one message; must not block and must not keep {@code message} past the call
	 * without retaining it.
	 */
	void deliver(String topic, OutboundMessage message);

	/**
	 * Takes one message for a subscriber known to be one: the topic's registry read its
	 * membership on this subscriber's {@link #eventLoop()} with nothing run on it since.
	 * A subscriber that checks its membership on each {@link #deliver} (a message handed
	 * over from another thread can arrive after it left) may skip that check here; by
	 * default this is {@link #deliver}.
	 */
	default void deliverToMember(String topic, OutboundMessage message) {
		deliver(topic, message);
	}

	/**
	 * Takes the news that a gap in {@code topic} could not be repaired and that it goes
	 * on from {@code current}, in the topic's order, on {@link #eventLoop()}. By default
	 * {@code defaultNotice} is delivered like a publication; a WebSocket subscriber's
	 * endpoint may shape its own (its {@code @OnTopicReset} method).
	 */
	default void reset(String topic, StreamPosition current, OutboundMessage defaultNotice) {
		deliver(topic, defaultNotice);
	}

}
