package dev.wspubsub.internal.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recovery contract on a real Redis Cluster of three masters and three replicas, with
 * two nodes configured only by {@code spring.data.redis.cluster.nodes}: publications are
 * made on node A, clients resume on node B, positions are the same everywhere, and every
 * topic travels on a shard channel of the master that holds its history.
 */
class RedisClusterHistoryRecoveryTests extends HistoryRecoveryContract {

	static TestRedisCluster cluster;

	static HistoryNode a;

	static HistoryNode b;

	static Map<String, String> properties(TestRedisCluster cluster) {
		Map<String, String> properties = new HashMap<>(LocalHistoryRecoveryTests.PROPERTIES);
		properties.put("spring.data.redis.cluster.nodes", cluster.nodes());
		properties.put("ws-pubsub.fanout.redis.enabled", "true");
		properties.put("ws-pubsub.fanout.redis.probe-interval", "200ms");
		properties.put("ws-pubsub.fanout.redis.max-reconnect-delay", "200ms");
		return properties;
	}

	@BeforeAll
	static void start() {
		cluster = TestRedisCluster.start();
		a = HistoryNode.start(properties(cluster));
		b = HistoryNode.start(properties(cluster));
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
		cluster.close();
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
	void theFanoutRunsInClusterModeFromSpringBootsClusterPropertiesAlone() {
		assertThat(a.bean(RedisFanout.class).mode()).isEqualTo("redis-cluster");
		assertThat(b.bean(RedisFanout.class).mode()).isEqualTo("redis-cluster");
	}

	/**
	 * A replica promoted after its master failed may lack the master's last writes: a
	 * history written under another replication id begins a new epoch, so positions from
	 * before are not recovered rather than answered with reused offsets.
	 */
	@Test
	void aHistoryWrittenUnderAnotherReplicationIdBeginsANewEpoch() {
		String topic = topic();
		List<StreamPosition> before = publish(topic, 0, 3);
		String meta = "ws-pubsub:history-meta:{" + topic + "}";
		int master = cluster.masterPortOf(meta);
		assertThat(cluster.node(master).hget(meta, "l")).isNotEmpty();
		// As the replica's copy looks once it is master: written under the old master's
		// id.
		cluster.node(master).hset(meta, "l", "0123456789012345678901234567890123456789");
		try (WsTestClient client = b.connect()) {
			JsonNode recovery = resume(client, topic, before.get(0), 5);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			StreamPosition now = StreamPosition.parse(recovery.get("position").stringValue());
			assertThat(now.epoch()).isNotEqualTo(before.get(0).epoch());
			assertThat(now.offset()).isZero();
		}
		StreamPosition next = publish(topic, 3, 1).get(0);
		assertThat(next.offset()).isEqualTo(1);
		assertThat(next.epoch()).isNotEqualTo(before.get(0).epoch());
	}

	/**
	 * Each topic is a shard channel on the master of its slot, beside its history; no
	 * classic channel is used, so no publication is broadcast to every master.
	 */
	@Test
	void topicsAreShardChannelsOnTheMasterThatHoldsTheirHistoryAndNeverClassicChannels() {
		List<String> topics = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			topics.add(topic());
		}
		List<WsTestClient> clients = new ArrayList<>();
		try {
			for (String topic : topics) {
				WsTestClient client = b.connect();
				clients.add(client);
				resume(client, topic, null, 0);
				publish(topic, 0, 1);
				client.awaitMessage();
			}
			Set<Integer> mastersUsed = new HashSet<>();
			for (String topic : topics) {
				String channel = "ws-pubsub:{" + topic + "}";
				int master = cluster.masterPortOf(channel);
				mastersUsed.add(master);
				assertThat(cluster.masterPortOf("ws-pubsub:history:{" + topic + "}")).isEqualTo(master);
				assertThat(cluster.node(master).exists("ws-pubsub:history:{" + topic + "}")).isEqualTo(1);
				for (int port : cluster.masterPorts()) {
					List<String> sharded = cluster.node(port).pubsubShardChannels("ws-pubsub:*");
					if (port == master) {
						assertThat(sharded).as("shard channels on the topic's master").contains(channel);
					}
					else {
						assertThat(sharded).as("shard channels on another master").doesNotContain(channel);
					}
				}
			}
			assertThat(mastersUsed).as("topics spread over the masters").hasSizeGreaterThan(1);
			for (int port : cluster.masterPorts()) {
				assertThat(cluster.node(port).pubsubChannels()).as("classic channels on master " + port).isEmpty();
			}
		}
		finally {
			clients.forEach(WsTestClient::close);
		}
	}

}
