package dev.wspubsub.internal.topic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.loop.HeldWork;
import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The topics of this node and their local subscribers. Topics match exactly; a topic
 * exists only while it has subscribers.
 *
 * <p>
 * Publishing delivers one shared {@link OutboundMessage} to each subscriber: those on the
 * publishing thread's event loop inline, those on another loop in one task per loop.
 */
public final class TopicRegistry {

	private static final Log logger = LogFactory.getLog(TopicRegistry.class);

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

	private final List<SubscriptionListener> listeners = new CopyOnWriteArrayList<>();

	/** Registers a listener for 0 -> 1 and 1 -> 0 changes of local subscriber counts. */
	public void addSubscriptionListener(SubscriptionListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * @return {@code true} when {@code subscriber} was not subscribed to {@code topic}
	 * before
	 */
	public boolean subscribe(String topic, TopicSubscriber subscriber) {
		MembershipChange change = new MembershipChange();
		this.topics.compute(topic, (name, existing) -> {
			Topic target = (existing != null) ? existing : new Topic(name);
			int before = target.size();
			if (target.add(subscriber)) {
				change.changed = true;
				change.firstOrLast = (before == 0);
			}
			return target;
		});
		if (change.firstOrLast) {
			fire(topic, 1, 0);
		}
		return change.changed;
	}

	/**
	 * @return {@code true} when {@code subscriber} was subscribed to {@code topic}
	 */
	public boolean unsubscribe(String topic, TopicSubscriber subscriber) {
		MembershipChange removal = new MembershipChange();
		this.topics.computeIfPresent(topic, (name, existing) -> {
			if (!existing.remove(subscriber)) {
				return existing;
			}
			removal.changed = true;
			if (existing.size() == 0) {
				removal.firstOrLast = true;
				return null; // empty topics are removed, as in uWebSockets
			}
			return existing;
		});
		if (removal.firstOrLast) {
			fire(topic, 0, 1);
		}
		return removal.changed;
	}

	private void fire(String topic, int newCount, int oldCount) {
		for (SubscriptionListener listener : this.listeners) {
			try {
				listener.onSubscriptionChange(topic, newCount, oldCount);
			}
			catch (RuntimeException ex) {
				logger.warn("Subscription listener " + listener + " failed for topic '" + topic + "'", ex);
			}
		}
	}

	/** Local subscribers of {@code topic}. */
	public int subscriberCount(String topic) {
		Topic target = this.topics.get(topic);
		return (target != null) ? target.size() : 0;
	}

	/** Topics with at least one local subscriber. */
	public int topicCount() {
		return this.topics.size();
	}

	/** A snapshot of topic names with their local subscriber counts. */
	public Map<String, Integer> topicSizes() {
		Map<String, Integer> sizes = new HashMap<>();
		this.topics.forEach((name, topic) -> sizes.put(name, topic.size()));
		return sizes;
	}

	/** Whether {@code topic} has a local subscriber. */
	public boolean hasSubscribers(String topic) {
		return this.topics.containsKey(topic);
	}

	/**
	 * Delivers {@code message} to the local subscribers of {@code topic} except
	 * {@code excluded}. The caller keeps its reference to {@code message} and releases it
	 * after this returns; tasks for other loops retain their own.
	 * @return the number of subscribers the message was handed to
	 */
	public int deliver(String topic, OutboundMessage message, @Nullable TopicSubscriber excluded) {
		return handOut(topic, message, excluded, null);
	}

	/**
	 * Tells every local subscriber of {@code topic} that a gap in it could not be
	 * repaired and that it goes on from {@code current} ({@link TopicSubscriber#reset}),
	 * in the order of the deliveries around it. The caller keeps its reference to
	 * {@code defaultNotice}.
	 */
	public int reset(String topic, StreamPosition current, OutboundMessage defaultNotice) {
		return handOut(topic, defaultNotice, null, Objects.requireNonNull(current, "current"));
	}

	private int handOut(String topic, OutboundMessage message, @Nullable TopicSubscriber excluded,
			@Nullable StreamPosition reset) {
		Topic target = this.topics.get(topic);
		if (target == null) {
			return 0;
		}
		int delivered = 0;
		for (Topic.Group group : target.groups()) {
			EventLoop loop = group.loop();
			TopicSubscriber[] subscribers = group.subscribers();
			// Only the group of the sender's own loop can hold the sender: no scan of the
			// others.
			int count = (excluded != null && loop == excluded.eventLoop() && group.contains(excluded))
					? subscribers.length - 1 : subscribers.length;
			if (count == 0) {
				continue;
			}
			delivered += count;
			if (loop == null || loop.inEventLoop()) {
				// Just read on this thread: every one of them is a member.
				deliverAll(topic, message, subscribers, excluded, reset, true);
			}
			else if (reset == null) {
				// No object per publish: the loop's batch holds the arguments.
				LoopOutbox.send(loop, LOOP_DELIVERY, target, message.retain(), subscribers, excluded);
			}
			else {
				LoopOutbox.send(loop, new LoopReset(topic, message.retain(), subscribers, reset));
			}
		}
		return delivered;
	}

	/**
	 * One publish for the subscribers of another loop; the message's reference, retained
	 * for it, is released there.
	 */
	private static final LoopOutbox.Handoff<Topic, OutboundMessage, TopicSubscriber[], @Nullable TopicSubscriber> LOOP_DELIVERY = new LoopOutbox.Handoff<>() {

		@Override
		public void run(Topic topic, OutboundMessage message, TopicSubscriber[] subscribers,
				@Nullable TopicSubscriber excluded) {
			try {
				// Unless this loop's group changed since the publish, nobody left: one
				// check for the whole group instead of one per subscriber.
				boolean members = topic.isCurrentGroup(subscribers[0].eventLoop(), subscribers);
				deliverAll(topic.name, message, subscribers, excluded, null, members);
			}
			finally {
				message.release();
			}
		}

		@Override
		public void discard(Topic topic, OutboundMessage message, TopicSubscriber[] subscribers,
				@Nullable TopicSubscriber excluded) {
			message.release();
		}

	};

	/**
	 * One reset, with its position, for the subscribers of another loop; holds its own
	 * reference to the notice.
	 */
	private record LoopReset(String topic, OutboundMessage message, TopicSubscriber[] subscribers,
			StreamPosition reset) implements HeldWork {

		@Override
		public void run() {
			try {
				deliverAll(this.topic, this.message, this.subscribers, null, this.reset, false);
			}
			finally {
				this.message.release();
			}
		}

		@Override
		public void discard() {
			this.message.release();
		}
	}

	/**
	 * @param members whether every one of {@code subscribers} is known to be subscribed
	 * still ({@link TopicSubscriber#deliverToMember})
	 */
	private static void deliverAll(String topic, OutboundMessage message, TopicSubscriber[] subscribers,
			@Nullable TopicSubscriber excluded, @Nullable StreamPosition reset, boolean members) {
		for (TopicSubscriber subscriber : subscribers) {
			if (subscriber != excluded) {
				try {
					if (reset != null) {
						subscriber.reset(topic, reset, message);
					}
					else if (members) {
						subscriber.deliverToMember(topic, message);
					}
					else {
						subscriber.deliver(topic, message);
					}
				}
				catch (RuntimeException ex) {
					// One failing subscriber must not starve the others.
					logger.warn("Delivery to " + subscriber + " on topic '" + topic + "' failed", ex);
				}
			}
		}
	}

	/**
	 * What a compute function saw, read after it ran (a lambda cannot assign locals):
	 * whether the subscriber was added or removed, and whether it was the topic's first
	 * or last.
	 */
	private static final class MembershipChange {

		boolean changed;

		boolean firstOrLast;

	}

}
