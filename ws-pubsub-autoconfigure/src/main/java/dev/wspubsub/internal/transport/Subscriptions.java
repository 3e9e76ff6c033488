package dev.wspubsub.internal.transport;

import java.security.Principal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.internal.topic.Resumes;
import dev.wspubsub.internal.topic.TopicLimits;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.WsMetricsListener;
import org.jspecify.annotations.Nullable;

/**
 * The topics of one connection and the rules of its membership: a client's subscribe asks
 * the {@link TopicAuthorizer} first, nothing is subscribed once the connection is
 * closing, and every topic is left when it closes. The registry is told of each change,
 * so a topic knows its subscribers and nothing else. It is also what an authorizer sees
 * of the client.
 */
final class Subscriptions implements TopicAuthorizer.Client {

	private final WsConnection connection;

	private final TopicRegistry registry;

	/**
	 * Asked by this session's own subscribe and publish; never by {@code server.publish}.
	 */
	private final TopicAuthorizer authorizer;

	private final TopicLimits limits;

	/**
	 * The topics: none, the one topic's name, or a set of two or more; most connections
	 * hold one topic, which then costs no set. Changed under {@code this}; the set is a
	 * concurrent one, so deliveries read it without a lock.
	 */
	private volatile @Nullable Object topics;

	Subscriptions(WsConnection connection, TopicRegistry registry, TopicAuthorizer authorizer, TopicLimits limits) {
		this.connection = connection;
		this.registry = registry;
		this.authorizer = authorizer;
		this.limits = limits;
	}

	/**
	 * @return whether the client may publish to {@code topic}; if not, it has been told
	 * why
	 */
	boolean mayPublish(String topic) {
		if (this.limits.isTooLong(topic)) {
			this.connection.topicRefused(WsMetricsListener.TOPIC_REFUSED_TOO_LONG, this.limits.tooLongError());
			return false;
		}
		if (this.authorizer.canPublish(topic, this)) {
			return true;
		}
		this.connection.topicDenied(topic);
		return false;
	}

	boolean subscribe(String topic) {
		if (!this.connection.isOpen()) {
			return false;
		}
		// Before the authorizer: its rules need not run over an arbitrarily long name.
		if (this.limits.isTooLong(topic)) {
			this.connection.topicRefused(WsMetricsListener.TOPIC_REFUSED_TOO_LONG, this.limits.tooLongError());
			return false;
		}
		if (!this.authorizer.canSubscribe(topic, this)) {
			this.connection.topicDenied(topic);
			return false;
		}
		synchronized (this) {
			if (!contains(topic) && !this.limits.mayHoldMore(size())) {
				this.connection.topicRefused(WsMetricsListener.TOPIC_REFUSED_TOO_MANY, this.limits.tooManyError(topic));
				return false;
			}
			if (!add(topic)) {
				return false;
			}
		}
		this.registry.subscribe(topic, this.connection);
		if (!this.connection.isOpen()) {
			// Closed meanwhile: the close path may have missed this topic.
			unsubscribe(topic);
			return false;
		}
		return true;
	}

	boolean unsubscribe(String topic) {
		synchronized (this) {
			if (!remove(topic)) {
				return false;
			}
		}
		this.registry.unsubscribe(topic, this.connection);
		Resumes resumes = this.connection.startedResumes();
		if (resumes != null) {
			resumes.cancel(topic);
		}
		return true;
	}

	boolean contains(String topic) {
		Object topics = this.topics;
		return (topics instanceof Set<?> set) ? set.contains(topic) : topic.equals(topics);
	}

	private int size() {
		Object topics = this.topics;
		return (topics instanceof Set<?> set) ? set.size() : (topics != null) ? 1 : 0;
	}

	@SuppressWarnings("unchecked")
	Set<String> all() {
		Object topics = this.topics;
		if (topics instanceof Set<?> set) {
			return Set.copyOf((Set<String>) set);
		}
		return (topics != null) ? Set.of((String) topics) : Set.of();
	}

	/** Leaves every topic; the connection has closed. */
	void clear() {
		Resumes resumes = this.connection.startedResumes();
		if (resumes != null) {
			resumes.clear();
		}
		String[] all;
		synchronized (this) {
			Object topics = this.topics;
			if (topics == null) {
				return;
			}
			all = (topics instanceof Set<?> set) ? set.toArray(new String[0]) : new String[] { (String) topics };
			this.topics = null;
		}
		for (String topic : all) {
			this.registry.unsubscribe(topic, this.connection);
		}
	}

	@SuppressWarnings("unchecked")
	private boolean add(String topic) {
		Object topics = this.topics;
		if (topics == null) {
			this.topics = topic;
			return true;
		}
		if (topics instanceof Set<?> set) {
			return ((Set<String>) set).add(topic);
		}
		if (topics.equals(topic)) {
			return false;
		}
		Set<String> set = ConcurrentHashMap.newKeySet(4);
		set.add((String) topics);
		set.add(topic);
		this.topics = set;
		return true;
	}

	private boolean remove(String topic) {
		Object topics = this.topics;
		if (topics instanceof Set<?> set) {
			// A set once made stays a set: subscribing and unsubscribing a second topic
			// allocates once.
			return set.remove(topic);
		}
		if (topic.equals(topics)) {
			this.topics = null;
			return true;
		}
		return false;
	}

	// ---- what an authorizer sees

	@Override
	public @Nullable Principal principal() {
		return this.connection.principal();
	}

	@Override
	public String path() {
		return this.connection.path();
	}

	@Override
	public @Nullable Object data() {
		return this.connection.data();
	}

}
