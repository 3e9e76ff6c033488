package dev.wspubsub.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the history of the topics that have one and gives each of their publications its
 * position. An implementation owns the whole publish of such a topic: it records the
 * message, gives it its position and delivers it, with that position, to the subscribers
 * of every node, in the order of the positions.
 *
 * <p>
 * Called on the publishing or subscribing thread (often a connection's event loop): the
 * returned futures must complete later rather than block the caller, and must complete
 * (with a failure if need be) so that a resubscribe waiting on them is answered. One bean
 * replaces the default (in memory, or Redis Streams with Redis fan-out).
 */
public interface TopicHistory {

	/** The rules saying which topics keep a history. */
	HistoryRules rules();

	/**
	 * Records {@code message} as the next publication of {@code topic} and delivers it.
	 * The caller releases {@code message} when this returns.
	 * @return its position; {@code null} when it could not be recorded (it was still
	 * delivered on this node, and the topic's epoch changes so no one resumes across the
	 * gap)
	 */
	CompletableFuture<@Nullable StreamPosition> publish(String topic, HistoryRule rule, OutboundMessage message,
			@Nullable TopicSubscriber excluded);

	/**
	 * What a subscriber that last saw {@code since} missed: every publication after it
	 * when the history still holds them all, otherwise the newest {@code latest}. Never
	 * fails: an unreachable store answers {@link Recovery#unavailable()}.
	 */
	CompletableFuture<Recovery> read(String topic, HistoryRule rule, @Nullable StreamPosition since, int latest);

	/**
	 * The newest {@code limit} publications of {@code topic}, oldest first; {@code null}
	 * when the store is unreachable.
	 */
	default CompletableFuture<@Nullable List<Publication>> latest(String topic, HistoryRule rule, int limit) {
		return read(topic, rule, null, limit)
			.thenApply((recovery) -> (recovery.position() != null) ? recovery.publications() : null);
	}

}
