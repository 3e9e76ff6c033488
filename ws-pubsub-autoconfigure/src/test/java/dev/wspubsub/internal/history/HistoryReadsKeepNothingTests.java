package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.UUID;
import java.util.function.IntSupplier;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading the history of a topic that has none (a resubscribe to a fresh name) creates no
 * state, in memory or in Redis: a client joining and leaving made-up names leaves nothing
 * behind. The position it is given is not continued by the topic's first publication, so
 * a resume from it is told it was not recovered, and gets what was published.
 */
class HistoryReadsKeepNothingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int NAMES = 50;

	@Test
	void readingFreshNamesKeepsNoLogInMemory() {
		try (HistoryNode node = HistoryNode.start(LocalHistoryRecoveryTests.PROPERTIES)) {
			LocalHistory history = node.bean(LocalHistory.class);
			assertReadsKeepNothing(node, history::topicCount);
		}
	}

	@Test
	void readingFreshNamesKeepsNoKeyInRedis() {
		try (TestRedis redis = TestRedis.start();
				HistoryNode node = HistoryNode.start(RedisHistoryRecoveryTests.properties(redis))) {
			RedisHistoryRecoveryTests.awaitUp(node);
			assertReadsKeepNothing(node, () -> redis.commands().keys("*").size());
		}
	}

	private static void assertReadsKeepNothing(HistoryNode node, IntSupplier state) {
		String prefix = "h:" + UUID.randomUUID() + ":";
		String position;
		try (WsTestClient client = node.connect()) {
			for (int i = 0; i < NAMES; i++) {
				client.send("resume " + prefix + i + " - 5");
			}
			position = client.awaitJson(TIMEOUT).get("position").stringValue();
			for (int i = 1; i < NAMES; i++) {
				assertThat(client.awaitJson(TIMEOUT).get("recovered").booleanValue()).isFalse();
			}
		}
		assertThat(state.getAsInt()).as("state kept after reading %d fresh names", NAMES).isZero();
		assertThat(position).endsWith(":0");
		// The topic's first publication after that read: a resume from the read's
		// position is not recovered, and is handed what was published.
		node.server().publishForPosition(prefix + 0, "first").block(TIMEOUT);
		try (WsTestClient client = node.connect()) {
			client.send("resume " + prefix + 0 + " " + position + " 5");
			JsonNode resumed = client.awaitJson(TIMEOUT);
			assertThat(resumed.get("recovered").booleanValue()).isFalse();
			assertThat(resumed.get("publications")).hasSize(1);
			assertThat(resumed.get("publications").get(0).stringValue()).isEqualTo("first");
		}
	}

}
