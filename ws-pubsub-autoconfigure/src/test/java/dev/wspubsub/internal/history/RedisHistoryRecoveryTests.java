package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recovery from histories kept in a real Redis, across two nodes: publications are made
 * on node A, clients resume on node B, and positions are the same everywhere.
 */
class RedisHistoryRecoveryTests extends HistoryRecoveryContract {

	static TestRedis redis;

	static HistoryNode a;

	static HistoryNode b;

	static Map<String, String> properties(TestRedis redis) {
		Map<String, String> properties = new HashMap<>(LocalHistoryRecoveryTests.PROPERTIES);
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", String.valueOf(redis.port()));
		properties.put("ws-pubsub.fanout.redis.enabled", "true");
		properties.put("ws-pubsub.fanout.redis.probe-interval", "200ms");
		properties.put("ws-pubsub.fanout.redis.max-reconnect-delay", "200ms");
		return properties;
	}

	@BeforeAll
	static void start() {
		redis = TestRedis.start();
		a = HistoryNode.start(properties(redis));
		b = HistoryNode.start(properties(redis));
		awaitUp(a, b);
	}

	static void awaitUp(HistoryNode... nodes) {
		for (HistoryNode node : nodes) {
			await().atMost(TIMEOUT).until(() -> node.bean(RedisFanout.class).isUp());
		}
	}

	@AfterAll
	static void stop() {
		b.close();
		a.close();
		redis.close();
	}

	@Override
	HistoryNode publisher() {
		return a;
	}

	@Override
	HistoryNode subscriber() {
		return b;
	}

	@Test
	void aPublicationOlderThanTheTtlIsNotRecovered() {
		String topic = "short:" + java.util.UUID.randomUUID();
		StreamPosition first = a.server().publishForPosition(topic, new N(0)).block(TIMEOUT);
		a.server().publishForPosition(topic, new N(1)).block(TIMEOUT);
		await().atMost(TIMEOUT)
			.pollDelay(Duration.ofMillis(300))
			.until(() -> b.server().history(topic, 5).block(TIMEOUT).isEmpty());
		try (WsTestClient client = b.connect()) {
			JsonNode recovery = resume(client, topic, first, 5);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			assertThat(recovery.get("publications")).isEmpty();
		}
	}

	@Test
	void aRedisThatRestartedEmptyBeginsANewEpochSoOlderPositionsAreNotRecovered() {
		String topic = topic();
		StreamPosition before = a.server().publishForPosition(topic, new N(0)).block(TIMEOUT);
		try (ExpectedLog outage = ExpectedLog.redisOutage()) {
			redis.stopServer();
			redis.startServer();
			awaitUp(a, b);
			// Whether a node noticed so short an outage depends on its probe's timing.
			assertThat(outage.lines("is down")).as("at most one per node").hasSizeLessThanOrEqualTo(2);
		}
		StreamPosition after = a.server().publishForPosition(topic, new N(1)).block(TIMEOUT);
		assertThat(after.epoch()).isNotEqualTo(before.epoch());
		try (WsTestClient client = b.connect()) {
			JsonNode recovery = resume(client, topic, before, 5);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			assertThat(recovery.get("position").stringValue()).isEqualTo(after.toString());
			assertThat(numbers(recovery)).containsExactly(1);
		}
	}

	/**
	 * While Redis is away a node's own subscribers still get its publications, without a
	 * position; when it is back, the topic's epoch has changed for everyone, so a client
	 * that resumes from before the outage is told, and the other node gets what was
	 * buffered.
	 */
	@Test
	void publicationsDuringAnOutageReachLocalSubscribersAndMakeOlderPositionsUnrecoverable() {
		String topic = topic();
		StreamPosition before = a.server().publishForPosition(topic, new N(0)).block(TIMEOUT);
		try (WsTestClient onA = a.connect();
				WsTestClient onB = b.connect();
				ExpectedLog outage = ExpectedLog.redisOutage()) {
			resume(onA, topic, before, 0);
			resume(onB, topic, before, 0);
			redis.stopServer();
			try {
				await().atMost(TIMEOUT).until(() -> !a.bean(RedisFanout.class).isUp());
				a.server().publish(topic, new N(1));
				JsonNode local = JSON.readTree(onA.awaitMessage());
				assertThat(local.get("n").intValue()).isEqualTo(1);
				assertThat(local.has("offset")).as("delivered without a position").isFalse();
			}
			finally {
				redis.startServer();
			}
			awaitUp(a, b);
			JsonNode buffered = JSON.readTree(onB.awaitMessage(Duration.ofSeconds(15)));
			assertThat(buffered.get("n").intValue()).isEqualTo(1);
			StreamPosition now = a.server().position(topic).block(TIMEOUT);
			assertThat(now.epoch()).isNotEqualTo(before.epoch());
			onA.assertNoMessage(Duration.ofMillis(300)); // its own buffered publication
															// is not delivered twice
			assertThat(outage.lines("Redis fan-out of node " + a.bean(RedisFanout.class).nodeId() + " is down"))
				.hasSize(1);
		}
		try (WsTestClient client = b.connect()) {
			assertThat(resume(client, topic, before, 5).get("recovered").booleanValue()).isFalse();
		}
	}

}
