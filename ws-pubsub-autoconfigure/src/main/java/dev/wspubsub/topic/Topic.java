package dev.wspubsub.topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/**
 * The subscribers of one topic. Mutations are O(1) under this topic's monitor; publishers
 * read an immutable snapshot grouped by event loop, rebuilt only after a change, so the
 * publish path takes no lock while the subscriber set is stable.
 */
final class Topic {

	final String name;

	private final Set<TopicSubscriber> subscribers = new LinkedHashSet<>();

	private volatile @Nullable Group @Nullable [] snapshot;

	Topic(String name) {
		this.name = name;
	}

	synchronized boolean add(TopicSubscriber subscriber) {
		boolean added = this.subscribers.add(subscriber);
		if (added) {
			this.snapshot = null;
		}
		return added;
	}

	synchronized boolean remove(TopicSubscriber subscriber) {
		boolean removed = this.subscribers.remove(subscriber);
		if (removed) {
			this.snapshot = null;
		}
		return removed;
	}

	synchronized int size() {
		return this.subscribers.size();
	}

	Group[] groups() {
		Group[] groups = this.snapshot;
		return (groups != null) ? groups : rebuild();
	}

	private synchronized Group[] rebuild() {
		Group[] groups = this.snapshot;
		if (groups != null) {
			return groups;
		}
		Map<@Nullable EventLoop, List<TopicSubscriber>> byLoop = new LinkedHashMap<>();
		for (TopicSubscriber subscriber : this.subscribers) {
			EventLoop loop = subscriber.eventLoop();
			byLoop.computeIfAbsent(loop, (key) -> new ArrayList<>()).add(subscriber);
		}
		groups = new Group[byLoop.size()];
		int i = 0;
		for (Map.Entry<@Nullable EventLoop, List<TopicSubscriber>> entry : byLoop.entrySet()) {
			groups[i++] = new Group(entry.getKey(), entry.getValue().toArray(new TopicSubscriber[0]));
		}
		this.snapshot = groups;
		return groups;
	}

	/** Subscribers that share an event loop, served by one task per publish. */
	record Group(@Nullable EventLoop loop, TopicSubscriber[] subscribers) {
	}
}
