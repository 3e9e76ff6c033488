package dev.wspubsub.internal.topic;

/**
 * Told when a topic gains its first local subscriber ({@code 0 -> 1}) or loses its last
 * ({@code 1 -> 0}), as uWebSockets' {@code subscription} event: where a cluster fan-out
 * subscribes and unsubscribes its publishRouter channel. Calls for different topics may
 * come from different threads; for one topic they may arrive out of order under a race,
 * so implementations re-read {@link TopicRegistry#subscriberCount(String)} when it
 * matters.
 */
@FunctionalInterface
public interface SubscriptionListener {

	/**
	 * A topic's local subscriber count moved from {@code oldCount} to {@code newCount}.
	 */
	void onSubscriptionChange(String topic, int newCount, int oldCount);

}
