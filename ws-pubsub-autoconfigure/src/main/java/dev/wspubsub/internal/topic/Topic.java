package dev.wspubsub.internal.topic;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import dev.wspubsub.spi.TopicSubscriber;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/**
 * The subscribers of one topic, kept grouped by event loop. A join or a leave, under this
 * topic's monitor, replaces only the group of the subscriber's own loop (one array copy
 * of that group) and the small array of groups; publishers read the current groups
 * without a lock and allocate nothing per subscriber. The groups are never rebuilt from
 * scratch, so churn in a large room costs each change its own loop's group, not every
 * publish the room.
 */
final class Topic {

	private static final Group[] NO_GROUPS = new Group[0];

	final String name;

	/** Membership, for O(1) duplicate checks; guarded by this topic's monitor. */
	private final Set<TopicSubscriber> subscribers = new HashSet<>();

	/** Replaced, never modified in place, so a publisher's read is a consistent view. */
	private volatile Group[] groups = NO_GROUPS;

	Topic(String name) {
		this.name = name;
	}

	synchronized boolean add(TopicSubscriber subscriber) {
		if (!this.subscribers.add(subscriber)) {
			return false;
		}
		EventLoop loop = subscriber.eventLoop();
		Group[] current = this.groups;
		int index = indexOf(current, loop);
		Group[] next;
		if (index >= 0) {
			next = current.clone();
			next[index] = current[index].with(subscriber);
		}
		else {
			next = Arrays.copyOf(current, current.length + 1);
			next[current.length] = new Group(loop, new TopicSubscriber[] { subscriber });
		}
		this.groups = next;
		return true;
	}

	synchronized boolean remove(TopicSubscriber subscriber) {
		if (!this.subscribers.remove(subscriber)) {
			return false;
		}
		Group[] current = this.groups;
		int index = indexOf(current, subscriber.eventLoop());
		if (index < 0 || !current[index].contains(subscriber)) {
			index = indexHolding(current, subscriber); // a subscriber whose loop changed:
														// find it anyway
		}
		Group smaller = current[index].without(subscriber);
		Group[] next;
		if (smaller != null) {
			next = current.clone();
			next[index] = smaller;
		}
		else {
			next = new Group[current.length - 1];
			System.arraycopy(current, 0, next, 0, index);
			System.arraycopy(current, index + 1, next, index, current.length - index - 1);
		}
		this.groups = next;
		return true;
	}

	synchronized int size() {
		return this.subscribers.size();
	}

	Group[] groups() {
		return this.groups;
	}

	/**
	 * Whether {@code subscribers} is still {@code loop}'s group: a join or a leave on
	 * that loop replaces the group's array, so the same array means the same members.
	 */
	boolean isCurrentGroup(@Nullable EventLoop loop, TopicSubscriber[] subscribers) {
		for (Group group : this.groups) {
			if (group.loop() == loop) {
				return group.subscribers() == subscribers;
			}
		}
		return false;
	}

	private static int indexOf(Group[] groups, @Nullable EventLoop loop) {
		for (int i = 0; i < groups.length; i++) {
			if (groups[i].loop() == loop) {
				return i;
			}
		}
		return -1;
	}

	private static int indexHolding(Group[] groups, TopicSubscriber subscriber) {
		for (int i = 0; i < groups.length; i++) {
			if (groups[i].contains(subscriber)) {
				return i;
			}
		}
		throw new IllegalStateException(subscriber + " is a member but in no group");
	}

	/**
	 * Subscribers that share an event loop, served by one task per publish; never
	 * modified once built.
	 */
	record Group(@Nullable EventLoop loop, TopicSubscriber[] subscribers) {

		Group with(TopicSubscriber subscriber) {
			TopicSubscriber[] grown = Arrays.copyOf(this.subscribers, this.subscribers.length + 1);
			grown[this.subscribers.length] = subscriber;
			return new Group(this.loop, grown);
		}

		/**
		 * This group without {@code subscriber}, or {@code null} when it was the last
		 * one.
		 */
		@Nullable Group without(TopicSubscriber subscriber) {
			if (this.subscribers.length == 1) {
				return null;
			}
			TopicSubscriber[] shrunk = new TopicSubscriber[this.subscribers.length - 1];
			int j = 0;
			for (TopicSubscriber member : this.subscribers) {
				if (member != subscriber) {
					shrunk[j++] = member;
				}
			}
			return new Group(this.loop, shrunk);
		}

		boolean contains(TopicSubscriber subscriber) {
			for (TopicSubscriber member : this.subscribers) {
				if (member == subscriber) {
					return true;
				}
			}
			return false;
		}
	}

}
