package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChannelNamesTests {

	private static final List<String> TOPICS = List.of("room:general", "", "}", "a}b", "{x}", "a{b", "~tilde",
			"héllo ✓", "$probe:n1", "{", "x".repeat(300));

	@Test
	void onOneRedisTopicAndNodeChannelsLiveInSpacesOfTheirOwn() {
		ChannelNames names = ChannelNames.single("ws-pubsub:");
		assertThat(text(names.channel("room:a"))).isEqualTo("ws-pubsub:t:room:a");
		assertThat(text(names.historyKey("room:a"))).isEqualTo("ws-pubsub:history:room:a");
		assertThat(text(names.historyMetaKey("room:a"))).isEqualTo("ws-pubsub:history-meta:room:a");
		assertThat(text(names.probe("n1"))).isEqualTo("ws-pubsub:$probe:{n1}");
		assertThat(names.probe("n1")).as("one scheme in both modes")
			.isEqualTo(ChannelNames.sharded("ws-pubsub:").probe("n1"));
		assertThat(names.topic(names.channel("room:a"))).isEqualTo("room:a");
		assertThat(names.topic(utf8("other:room:a"))).isNull();
		assertThat(names.topic(names.probe("n1"))).isNull();
		for (String topic : TOPICS) {
			assertThat(names.channel(topic)).isNotEqualTo(names.probe("n1"));
			assertThat(names.topic(names.channel(topic))).isEqualTo(topic);
		}
	}

	@Test
	void onAClusterEveryNameOfATopicIsInOneSlotAndTheChannelGivesTheTopicBack() {
		ChannelNames names = ChannelNames.sharded("ws-pubsub:");
		for (String topic : TOPICS) {
			int slot = SlotHash.getSlot(names.channel(topic));
			assertThat(SlotHash.getSlot(names.historyKey(topic))).as("stream of '%s'", topic).isEqualTo(slot);
			assertThat(SlotHash.getSlot(names.historyMetaKey(topic))).as("metadata of '%s'", topic).isEqualTo(slot);
			assertThat(names.topic(names.channel(topic))).as("topic of its channel").isEqualTo(topic);
		}
		assertThat(text(names.channel("room:a"))).isEqualTo("ws-pubsub:{room:a}");
		assertThat(text(names.historyKey("room:a"))).isEqualTo("ws-pubsub:history:{room:a}");
	}

	@Test
	void onAClusterTopicsSpreadOverSlots() {
		ChannelNames names = ChannelNames.sharded("ws-pubsub:");
		assertThat(
				List.of("a", "b", "c", "d").stream().map((topic) -> SlotHash.getSlot(names.channel(topic))).distinct())
			.hasSize(4);
	}

	@Test
	void onAClusterNoTopicReachesANodeChannel() {
		ChannelNames names = ChannelNames.sharded("ws-pubsub:");
		assertThat(names.topic(names.probe("n1"))).isNull();
		for (String topic : TOPICS) {
			assertThat(names.channel(topic)).isNotEqualTo(names.probe("n1"));
		}
	}

	@Test
	void onAClusterAPrefixWithBracesIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChannelNames.sharded("app{1}:"))
			.withMessageContaining("'{' or '}'");
	}

	private static String text(ByteBuffer buffer) {
		return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
