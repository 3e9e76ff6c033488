package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Never delivered twice" across nodes: node A reaches Redis through a proxy that loses
 * the reply to one publish after Redis ran it, so A's publish queue sends it again. Every
 * subscriber, on A and on B, gets it once, and a topic's history holds it once.
 */
class ResendAfterLostReplyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	static TestRedis redis;

	static ReplyLosingProxy proxy;

	static HistoryNode a;

	static HistoryNode b;

	@BeforeAll
	static void start() {
		redis = TestRedis.start();
		proxy = ReplyLosingProxy.to(redis.port());
		Map<String, String> direct = RedisHistoryRecoveryTests.properties(redis);
		Map<String, String> throughProxy = new HashMap<>(direct);
		throughProxy.put("spring.data.redis.port", String.valueOf(proxy.port()));
		a = HistoryNode.start(throughProxy);
		b = HistoryNode.start(direct);
		RedisHistoryRecoveryTests.awaitUp(a, b);
	}

	@AfterAll
	static void stop() {
		b.close();
		a.close();
		proxy.close();
		redis.close();
	}

	@Test
	void aPublishResentAfterItsReplyWasLostIsDeliveredOnceOnEveryNode() {
		long duplicatesBefore = b.bean(RedisFanout.class).duplicateCount();
		assertDeliveredOnce("plain-resend", "once-plain");
		assertThat(b.bean(RedisFanout.class).duplicateCount() - duplicatesBefore)
			.as("the resend reached node B and was dropped there")
			.isEqualTo(1);
		assertThat(b.bean(MeterRegistry.class).get("wspubsub.redis.duplicates").functionCounter().count())
			.isEqualTo(b.bean(RedisFanout.class).duplicateCount());
	}

	@Test
	void aBurstWhoseBatchIsResentAfterItsReplyWasLostIsDeliveredWholeOnceInOrder() {
		String topic = "plain-burst";
		int burst = 500;
		List<String> expected = IntStream.range(0, burst)
			.mapToObj((i) -> (i == burst / 2) ? "lost-in-a-batch" : "m" + i)
			.toList();
		long errorsBefore = a.bean(RedisFanout.class).errorCount();
		try (WsTestClient onA = a.connect();
				WsTestClient onB = b.connect();
				ExpectedLog outage = ExpectedLog.capture(Level.WARN, "Redis fan-out of node",
						"Unexpected exception during request")) {
			assertThat(onA.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			assertThat(onB.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			awaitSubscribedNodes(topic);
			int lostBefore = proxy.repliesLost();
			proxy.loseReplyTo("lost-in-a-batch");
			expected.forEach((message) -> a.server().publish(topic, message));
			assertThat(onB.awaitMessages(burst, TIMEOUT)).as("across nodes").isEqualTo(expected);
			assertThat(onA.awaitMessages(burst, TIMEOUT)).as("on the sender's node").isEqualTo(expected);
			onB.assertNoMessage(Duration.ofMillis(300));
			assertThat(proxy.repliesLost()).isGreaterThan(lostBefore);
			// What Redis ran before the cut came again and was dropped as a duplicate
			// (the
			// cut may come at an earlier reply, before Redis ran the marked batch: then
			// nothing came twice).
			assertThat(a.bean(RedisFanout.class).errorCount()).as("publishes failed and were resent")
				.isGreaterThan(errorsBefore);
			assertThat(a.bean(RedisFanout.class).droppedCount()).isZero();
		}
	}

	@Test
	void aHistoryPublishResentAfterItsReplyWasLostIsAppendedAndDeliveredOnce() {
		String topic = "h:resend";
		StreamPosition before = b.server().publishForPosition(topic, "before").block(TIMEOUT);
		assertDeliveredOnce(topic, "once-history");
		try (WsTestClient resuming = b.connect()) {
			JsonNode recovery = HistoryRecoveryContract.resume(resuming, topic, before, 0);
			assertThat(recovery.get("recovered").booleanValue()).as("the resend began no new epoch: %s", recovery)
				.isTrue();
			assertThat(recovery.get("publications").valueStream().map(JsonNode::stringValue))
				.containsExactly("once-history", "after-once-history");
		}
	}

	private void assertDeliveredOnce(String topic, String marker) {
		try (WsTestClient onA = a.connect();
				WsTestClient onB = b.connect();
				WsTestClient publisher = a.connect();
				ExpectedLog outage = ExpectedLog.capture(Level.WARN, "Redis fan-out of node",
						"Unexpected exception during request")) {
			assertThat(onA.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			assertThat(onB.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			awaitSubscribedNodes(topic);
			long errorsBefore = a.bean(RedisFanout.class).errorCount();
			int lostBefore = proxy.repliesLost();
			proxy.loseReplyTo(marker);
			publisher.send("pub " + topic + " " + marker);
			await("the reply to the publish is lost").atMost(TIMEOUT).until(() -> proxy.repliesLost() > lostBefore);
			await("node A's publish failed").atMost(TIMEOUT)
				.until(() -> a.bean(RedisFanout.class).errorCount() > errorsBefore);
			await("node A calls its link down").atMost(TIMEOUT).until(() -> !outage.lines("is down").isEmpty());
			await("node A is up again").atMost(TIMEOUT).until(() -> a.bean(RedisFanout.class).isUp());
			await("node A's queue is empty").atMost(TIMEOUT)
				.until(() -> a.bean(RedisFanout.class).bufferedCount() == 0);
			publisher.send("pub " + topic + " after-" + marker);
			for (WsTestClient client : new WsTestClient[] { onA, onB }) {
				assertThat(client.awaitMessage(TIMEOUT)).contains(marker).doesNotContain("after-");
				assertThat(client.awaitMessage(TIMEOUT)).as("the message after the resent one")
					.contains("after-" + marker);
			}
		}
	}

	private static void awaitSubscribedNodes(String topic) {
		String channel = "ws-pubsub:t:" + topic;
		await().atMost(TIMEOUT).until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) == 2);
	}

}
