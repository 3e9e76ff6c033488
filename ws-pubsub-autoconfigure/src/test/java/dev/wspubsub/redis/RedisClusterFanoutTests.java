package dev.wspubsub.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.internal.cluster.RedisPresenceRegistry;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application nodes on a real Redis Cluster of three masters and three replicas,
 * configured by {@code spring.data.redis.cluster.nodes} alone: topics without history
 * cross nodes on shard channels that follow local interest, and presence spans the nodes.
 */
class RedisClusterFanoutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static TestRedisCluster cluster;

	private static Node nodeA;

	private static Node nodeB;

	@BeforeAll
	static void startCluster() {
		cluster = TestRedisCluster.start();
		nodeA = Node.start(cluster, "ws-pubsub.fanout.redis.presence-ttl=2s");
		nodeB = Node.start(cluster, "ws-pubsub.fanout.redis.presence-ttl=2s");
		await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
	}

	@AfterAll
	static void stopCluster() {
		nodeA.close();
		nodeB.close();
		cluster.close();
	}

	@Test
	void textAndBinaryCrossNodesUnchangedOnShardChannels() {
		try (WsTestClient sender = RedisFanoutClusterTests.subscribed(nodeA, "bin");
				WsTestClient receiver = RedisFanoutClusterTests.subscribed(nodeB, "bin");
				WsTestClient textReceiver = RedisFanoutClusterTests.subscribed(nodeB, "text")) {
			awaitShardSubscribers("bin", 2);
			awaitShardSubscribers("text", 1);
			byte[] binary = new byte[70_000];
			for (int i = 0; i < binary.length; i++) {
				binary[i] = (byte) i;
			}
			sender.sendBinary(binary);
			assertThat(receiver.awaitBinary(TIMEOUT)).isEqualTo(binary);
			String text = "héllo, wörld ✓ " + "x".repeat(200);
			sender.send("pub text " + text);
			assertThat(textReceiver.awaitMessage(TIMEOUT)).isEqualTo(text);
			sender.assertNoMessage(Duration.ofMillis(300)); // the sender is excluded
			// The link's counters as meters, tagged with the mode.
			assertThat(nodeB.bean(MeterRegistry.class)
				.get("wspubsub.redis.received")
				.tag("mode", "redis-cluster")
				.functionCounter()
				.count()).isGreaterThanOrEqualTo(2);
			assertThat(nodeA.bean(MeterRegistry.class)
				.get("wspubsub.redis.published")
				.tag("mode", "redis-cluster")
				.functionCounter()
				.count()).isGreaterThanOrEqualTo(2);
			assertThat(nodeA.bean(MeterRegistry.class).get("wspubsub.redis.up").gauge().value()).isEqualTo(1);
		}
	}

	@Test
	void aTopicsShardChannelIsSubscribedOnItsMasterExactlyWhileSomeNodeHasALocalSubscriber() {
		String topic = "follows";
		try (WsTestClient onA = RedisFanoutClusterTests.subscribed(nodeA, topic)) {
			awaitShardSubscribers(topic, 1);
			try (WsTestClient onB = RedisFanoutClusterTests.subscribed(nodeB, topic)) {
				awaitShardSubscribers(topic, 2);
				assertThat(onA.sendAndAwait("unsub " + topic)).isEqualTo("unsubscribed " + topic);
				awaitShardSubscribers(topic, 1);
			}
			awaitShardSubscribers(topic, 0);
		}
		for (int port : cluster.masterPorts()) {
			assertThat(cluster.node(port).pubsubChannels()).as("classic channels on master " + port).isEmpty();
		}
		assertThat(nodeA.fanout().mode()).isEqualTo("redis-cluster");
	}

	@Test
	void everyNodeSeesEveryNodesPresenceMembers() {
		PresenceRegistry presenceA = nodeA.bean(PresenceRegistry.class);
		PresenceRegistry presenceB = nodeB.bean(PresenceRegistry.class);
		assertThat(presenceA).isInstanceOf(RedisPresenceRegistry.class);
		Map<String, String> both = Map.of("ann", "{\"name\":\"Ann\"}", "bob", "{\"name\":\"Bob\"}");
		for (String topic : List.of("room:a", "room:b", "room:c", "room:d")) {
			presenceA.join(topic, "ann", "{\"name\":\"Ann\"}").block(TIMEOUT);
			presenceB.join(topic, "bob", "{\"name\":\"Bob\"}").block(TIMEOUT);
			assertThat(presenceA.members(topic).block(TIMEOUT)).isEqualTo(both);
			assertThat(presenceB.members(topic).block(TIMEOUT)).isEqualTo(both);
			presenceB.leave(topic, "bob").block(TIMEOUT);
			assertThat(presenceA.members(topic).block(TIMEOUT)).isEqualTo(Map.of("ann", "{\"name\":\"Ann\"}"));
		}
		// Heartbeats keep live nodes' entries well past the TTL.
		await().during(Duration.ofSeconds(3))
			.atMost(TIMEOUT)
			.until(() -> Map.of("ann", "{\"name\":\"Ann\"}").equals(presenceB.members("room:a").block(TIMEOUT)));
	}

	/**
	 * The first publications of a fresh node to a master it has not talked to yet keep
	 * their order, though its connection to that master opens only then.
	 */
	@Test
	void aFreshNodesFirstBurstToAnotherMasterArrivesInOrder() {
		String topic = "burst-order";
		String channel = "ws-pubsub:{" + topic + "}";
		// A node id whose probe lives on another master than the topic: nothing else has
		// made the fresh node connect to the topic's master yet.
		String nodeId = "fresh-0";
		for (int i = 0; cluster.masterPortOf("ws-pubsub:$probe:{" + nodeId + "}") == cluster
			.masterPortOf(channel); i++) {
			nodeId = "fresh-" + (i + 1);
		}
		try (WsTestClient receiver = RedisFanoutClusterTests.subscribed(nodeB, topic)) {
			awaitShardSubscribers(topic, 1);
			try (Node fresh = Node.start(cluster, "ws-pubsub.fanout.redis.node-id=" + nodeId)) {
				await().atMost(Duration.ofSeconds(20)).until(() -> fresh.fanout().isUp());
				WsServer server = fresh.bean(WsServer.class);
				for (int i = 0; i < 500; i++) {
					server.publish(topic, "m" + i);
				}
				List<String> received = receiver.awaitMessages(500, TIMEOUT);
				for (int i = 0; i < 500; i++) {
					assertThat(received.get(i)).as("message %d", i).isEqualTo("m" + i);
				}
			}
		}
	}

	/**
	 * A node that stops closes each of its connections to the cluster once: Lettuce has
	 * no "already closed" to warn of.
	 */
	@Test
	void aNodeThatStopsClosesEachClusterConnectionOnce() {
		Node node = Node.start(cluster);
		try (ExpectedLog closedTwice = ExpectedLog.capture(Level.WARN, "Connection is already closed")) {
			await().atMost(Duration.ofSeconds(20)).until(() -> node.fanout().isUp());
			// Subscribed and published: connections to the masters of the channel and of
			// the probe.
			try (WsTestClient subscriber = RedisFanoutClusterTests.subscribed(node, "closing")) {
				awaitShardSubscribers("closing", 1);
				node.bean(WsServer.class).publish("closing", "last");
			}
			node.close();
			assertThat(closedTwice.lines()).isEmpty();
		}
	}

	/** Both nodes' subscriptions to {@code topic}'s shard channel, on its master. */
	private static void awaitShardSubscribers(String topic, long nodes) {
		String channel = "ws-pubsub:{" + topic + "}";
		await("%d nodes subscribed to shard channel %s".formatted(nodes, channel)).atMost(TIMEOUT).until(() -> {
			int master = cluster.masterPortOf(channel);
			return cluster.node(master).pubsubShardNumsub(channel).getOrDefault(channel, 0L) == nodes;
		});
	}

}
