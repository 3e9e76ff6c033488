package dev.wspubsub.redis;

import java.time.Duration;

import dev.wspubsub.test.TestRedisCluster;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.awaitility.Awaitility.await;

/** Presence on a Redis Cluster of three masters and three replicas. */
class RedisClusterPresenceTests extends RedisPresenceContract {

	private static TestRedisCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = TestRedisCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Override
	Node startNode(String... extraProperties) {
		Node node = Node.start(cluster, extraProperties);
		await().atMost(Duration.ofSeconds(20)).until(() -> node.fanout().isUp());
		return node;
	}

	@Override
	RedisCommands<String, String> redisOf(String key) {
		return cluster.node(cluster.masterPortOf(key));
	}

	@Override
	void forgetScripts() {
		for (int port : cluster.masterPorts()) {
			cluster.node(port).scriptFlush();
		}
	}

}
