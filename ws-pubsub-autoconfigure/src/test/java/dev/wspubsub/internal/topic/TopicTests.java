package dev.wspubsub.internal.topic;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Membership changes of one topic, as publishers see them. */
class TopicTests {

	private final EventLoop first = new DefaultEventLoop();

	private final EventLoop second = new DefaultEventLoop();

	private final Topic topic = new Topic("room");

	@AfterEach
	void shutDown() {
		this.first.shutdownGracefully(0, 0, TimeUnit.SECONDS);
		this.second.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void subscribersAreGroupedByEventLoopInJoinOrder() {
		Member a = new Member(this.first);
		Member b = new Member(this.second);
		Member c = new Member(this.first);
		Member d = new Member(null);
		List.of(a, b, c, d).forEach(this.topic::add);
		assertThat(view()).containsExactly(List.of(a, c), List.of(b), List.of(d));
		assertThat(this.topic.add(a)).as("joining twice").isFalse();
		assertThat(this.topic.size()).isEqualTo(4);
	}

	@Test
	void aLeaveKeepsTheOrderOfTheOthersAndAnEmptiedLoopLosesItsGroup() {
		Member a = new Member(this.first);
		Member b = new Member(this.second);
		Member c = new Member(this.first);
		Member e = new Member(this.first);
		List.of(a, b, c, e).forEach(this.topic::add);
		assertThat(this.topic.remove(c)).isTrue();
		assertThat(this.topic.remove(c)).as("leaving twice").isFalse();
		assertThat(view()).containsExactly(List.of(a, e), List.of(b));
		this.topic.remove(b);
		assertThat(view()).containsExactly(List.of(a, e));
	}

	@Test
	void aChangeReplacesOnlyTheGroupOfItsOwnLoop() {
		this.topic.add(new Member(this.first));
		Member other = new Member(this.second);
		this.topic.add(other);
		Topic.Group untouched = this.topic.groups()[1];
		Member joiner = new Member(this.first);
		this.topic.add(joiner);
		this.topic.remove(joiner);
		// Incremental: the second loop's subscribers were not regrouped into fresh
		// collections.
		assertThat(this.topic.groups()[1]).isSameAs(untouched);
	}

	@Test
	void publishesBetweenChangesReadTheSameGroupsWithoutBuildingAnything() {
		this.topic.add(new Member(this.first));
		this.topic.add(new Member(this.second));
		Topic.Group[] groups = this.topic.groups();
		assertThat(this.topic.groups()).isSameAs(groups);
		this.topic.add(new Member(this.first));
		Topic.Group[] changed = this.topic.groups();
		assertThat(changed).isNotSameAs(groups);
		assertThat(this.topic.groups()).isSameAs(changed);
		// A view a publisher already holds is never modified under it.
		assertThat(groups[0].subscribers()).hasSize(1);
	}

	private List<List<TopicSubscriber>> view() {
		return Arrays.stream(this.topic.groups()).map((group) -> List.of(group.subscribers())).toList();
	}

	private record Member(@Nullable EventLoop loop) implements TopicSubscriber {

		@Override
		public @Nullable EventLoop eventLoop() {
			return this.loop;
		}

		@Override
		public void deliver(String topic, OutboundMessage message) {
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}
	}

}
