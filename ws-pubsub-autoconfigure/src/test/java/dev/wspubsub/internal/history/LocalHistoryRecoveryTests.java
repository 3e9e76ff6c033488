package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.Map;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.test.WsTestClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Recovery from the in-memory history of one node with local fan-out. */
class LocalHistoryRecoveryTests extends HistoryRecoveryContract {

	static final Map<String, String> PROPERTIES = Map.of("ws-pubsub.history.topics[0].pattern", "h:*",
			"ws-pubsub.history.topics[0].size", "20", "ws-pubsub.history.topics[0].ttl", "1m",
			"ws-pubsub.history.topics[1].pattern", "race:*", "ws-pubsub.history.topics[1].size", "50000",
			"ws-pubsub.history.topics[2].pattern", "short:*", "ws-pubsub.history.topics[2].ttl", "300ms");

	static HistoryNode node;

	@BeforeAll
	static void start() {
		node = HistoryNode.start(PROPERTIES);
	}

	@AfterAll
	static void stop() {
		node.close();
	}

	@Override
	HistoryNode publisher() {
		return node;
	}

	@Override
	HistoryNode subscriber() {
		return node;
	}

	@Test
	void aPublicationOlderThanTheTtlIsNotRecovered() {
		String topic = "short:" + java.util.UUID.randomUUID();
		StreamPosition first = node.server().publishForPosition(topic, new N(0)).block(TIMEOUT);
		node.server().publish(topic, new N(1));
		Awaitility.await()
			.atMost(TIMEOUT)
			.pollDelay(Duration.ofMillis(300))
			.until(() -> node.server().history(topic, 5).block(TIMEOUT).isEmpty());
		try (WsTestClient client = node.connect()) {
			JsonNode recovery = resume(client, topic, first, 5);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			assertThat(recovery.get("publications")).isEmpty();
		}
	}

	@Test
	void aRestartedNodeBeginsANewEpochSoPositionsFromBeforeAreNotRecovered() {
		String topic = topic();
		StreamPosition before;
		try (HistoryNode first = HistoryNode.start(PROPERTIES)) {
			before = first.server().publishForPosition(topic, new N(0)).block(TIMEOUT);
		}
		try (HistoryNode restarted = HistoryNode.start(PROPERTIES); WsTestClient client = restarted.connect()) {
			restarted.server().publish(topic, new N(1));
			JsonNode recovery = resume(client, topic, before, 5);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			StreamPosition now = StreamPosition.parse(recovery.get("position").stringValue());
			assertThat(now.epoch()).isNotEqualTo(before.epoch());
			assertThat(numbers(recovery)).containsExactly(1);
		}
	}

}
