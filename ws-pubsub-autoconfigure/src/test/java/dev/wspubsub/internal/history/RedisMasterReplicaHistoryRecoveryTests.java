package dev.wspubsub.internal.history;

import java.util.Map;
import java.util.UUID;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedisMasterReplica;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recovery contract, and cross-node delivery, on a real static master/replica pair
 * with two nodes configured only by {@code spring.data.redis.masterreplica.nodes}, the
 * replica listed first: publications and histories are written on the master, and each
 * node subscribes on the master itself.
 */
class RedisMasterReplicaHistoryRecoveryTests extends HistoryRecoveryContract {

	static TestRedisMasterReplica pair;

	static HistoryNode a;

	static HistoryNode b;

	@BeforeAll
	static void start() {
		pair = TestRedisMasterReplica.start();
		Map<String, String> properties = redisFanoutProperties("spring.data.redis.masterreplica.nodes", pair.nodes());
		a = HistoryNode.start(properties);
		b = HistoryNode.start(properties);
		RedisHistoryRecoveryTests.awaitUp(a, b);
	}

	@AfterAll
	static void stop() {
		b.close();
		a.close();
		pair.close();
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
	void aTopicWithoutHistoryCrossesNodesThroughSubscriptionsOnTheMaster() {
		String topic = "plain:" + UUID.randomUUID();
		String channel = "ws-pubsub:t:" + topic;
		try (WsTestClient onA = a.connect(); WsTestClient onB = b.connect()) {
			assertThat(onA.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			assertThat(onB.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			await().atMost(TIMEOUT)
				.until(() -> pair.node(pair.masterPort()).pubsubNumsub(channel).getOrDefault(channel, 0L) == 2);
			assertThat(pair.node(pair.replicaPort()).pubsubNumsub(channel).getOrDefault(channel, 0L))
				.as("subscribers on the replica")
				.isZero();
			onA.send("pub " + topic + " hello from A");
			assertThat(onB.awaitMessage(TIMEOUT)).isEqualTo("hello from A");
			onB.send("spub " + topic + " hello everyone");
			assertThat(onA.awaitMessage(TIMEOUT)).isEqualTo("hello everyone");
			assertThat(onB.awaitMessage(TIMEOUT)).isEqualTo("hello everyone");
		}
		assertThat(a.bean(RedisFanout.class).mode()).isEqualTo("redis");
	}

	@Test
	void aTopicsHistoryIsWrittenOnTheMaster() {
		String topic = topic();
		publish(topic, 0, 1);
		assertThat(pair.node(pair.masterPort()).exists("ws-pubsub:history:" + topic)).isEqualTo(1);
	}

}
