package dev.wspubsub.redis;

import java.time.Duration;
import java.util.List;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client picks topic names, and the node id is visible wherever the Actuator endpoint
 * is: no topic a client subscribes and leaves may touch the node's own Redis channels.
 */
class NodeChannelIsolationTests {

	private static TestRedis redis;

	private static Node nodeA;

	private static Node nodeB;

	@BeforeAll
	static void startCluster() {
		redis = TestRedis.start();
		nodeA = Node.start(redis);
		nodeB = Node.start(redis);
		await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
	}

	@AfterAll
	static void stopCluster() {
		nodeA.close();
		nodeB.close();
		redis.close();
	}

	@Test
	void topicsNamedAfterTheNodesProbeChannelLeaveTheFanoutUpAndDelivering() {
		String nodeId = nodeA.fanout().nodeId();
		String probeChannel = "ws-pubsub:$probe:{" + nodeId + "}";
		// The probe's channel name of old, of now, and the whole channel name itself.
		List<String> hostile = List.of("$probe:" + nodeId, "$probe:{" + nodeId + "}", "n:probe:" + nodeId, probeChannel,
				"../$probe:{" + nodeId + "}");
		try (WsTestClient attacker = nodeA.connect()) {
			for (String topic : hostile) {
				assertThat(attacker.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			}
			for (String topic : hostile) {
				assertThat(attacker.sendAndAwait("unsub " + topic)).isEqualTo("unsubscribed " + topic);
			}
			for (String topic : hostile) {
				assertThat(attacker.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
			}
		} // closing leaves them all again
			// Longer than the probe timeout (three intervals, two seconds at least): a
			// node
			// whose probe channel was unsubscribed would be down by then.
		await("node A's fan-out stays up with its probe channel subscribed").during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> nodeA.fanout().isUp()
					&& redis.commands().pubsubNumsub(probeChannel).getOrDefault(probeChannel, 0L) == 1);
		try (WsTestClient onB = RedisFanoutClusterTests.subscribed(nodeB, "after-attack");
				WsTestClient onA = nodeA.connect()) {
			String channel = "ws-pubsub:t:after-attack";
			await().atMost(Duration.ofSeconds(10))
				.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) == 1);
			onA.send("pub after-attack still delivered");
			assertThat(onB.awaitMessage(Duration.ofSeconds(10))).isEqualTo("still delivered");
		}
	}

}
