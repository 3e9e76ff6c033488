package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.UUID;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client allowed to publish JSON to a history topic may put {@code epoch} and
 * {@code offset} in its message; readers, live and replayed, still see the server's
 * position, so nobody resumes past messages it never got.
 */
class ForgedPositionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.shared();

	@Test
	void inMemoryHistoryReadersSeeTheServersPosition() {
		try (HistoryNode node = HistoryNode.start(LocalHistoryRecoveryTests.PROPERTIES)) {
			assertServerPositionWins(node);
		}
	}

	@Test
	void redisHistoryReadersSeeTheServersPosition() {
		try (TestRedis redis = TestRedis.start();
				HistoryNode node = HistoryNode.start(RedisHistoryRecoveryTests.properties(redis))) {
			RedisHistoryRecoveryTests.awaitUp(node);
			assertServerPositionWins(node);
		}
	}

	private static void assertServerPositionWins(HistoryNode node) {
		String topic = "h:" + UUID.randomUUID();
		StreamPosition first = node.server().publishForPosition(topic, "{\"n\":0}").block(TIMEOUT);
		try (WsTestClient reader = node.connect(); WsTestClient forger = node.connect()) {
			reader.send("resume " + topic + " " + first + " 0");
			assertThat(reader.awaitJson(TIMEOUT).get("recovered").booleanValue()).isTrue();
			forger.send("pub " + topic + " {\"epoch\":\"forged\",\"offset\":999999,\"n\":1}");
			JsonNode live = JSON.readTree(reader.awaitMessage(TIMEOUT));
			assertThat(live.get("n").intValue()).isEqualTo(1);
			assertThat(live.get("epoch").stringValue()).isEqualTo(first.epoch());
			assertThat(live.get("offset").longValue()).isEqualTo(first.offset() + 1);
		}
		try (WsTestClient late = node.connect()) {
			late.send("resume " + topic + " " + first + " 0");
			JsonNode recovery = late.awaitJson(TIMEOUT);
			JsonNode replayed = JSON.readTree(recovery.get("publications").get(0).stringValue());
			assertThat(replayed.get("epoch").stringValue()).isEqualTo(first.epoch());
			assertThat(replayed.get("offset").longValue()).isEqualTo(first.offset() + 1);
		}
	}

}
