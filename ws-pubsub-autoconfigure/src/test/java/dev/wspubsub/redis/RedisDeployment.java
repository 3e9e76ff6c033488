package dev.wspubsub.redis;

import java.util.function.Function;
import java.util.function.ToLongFunction;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.TestRedisMasterReplica;

/**
 * One of the Redis deployments the fan-out supports, real processes on free ports, and
 * nodes configured for it by Spring Boot's own properties: the suites that must hold on
 * each are parameterised by it.
 */
enum RedisDeployment {

	ONE_REDIS {
		@Override
		Running start() {
			TestRedis redis = TestRedis.start();
			return new Running(redis, (properties) -> Node.start(redis, properties),
					(topic) -> redis.commands()
						.pubsubNumsub("ws-pubsub:t:" + topic)
						.getOrDefault("ws-pubsub:t:" + topic, 0L));
		}
	},

	REDIS_CLUSTER {
		@Override
		Running start() {
			TestRedisCluster cluster = TestRedisCluster.start();
			return new Running(cluster, (properties) -> Node.start(cluster, properties), (topic) -> {
				String channel = "ws-pubsub:{" + topic + "}";
				return cluster.node(cluster.masterPortOf(channel)).pubsubShardNumsub(channel).getOrDefault(channel, 0L);
			});
		}
	},

	STATIC_MASTER_REPLICA {
		@Override
		Running start() {
			TestRedisMasterReplica pair = TestRedisMasterReplica.start();
			return new Running(pair, (properties) -> Node.start(pair, properties),
					(topic) -> pair.node(pair.masterPort())
						.pubsubNumsub("ws-pubsub:t:" + topic)
						.getOrDefault("ws-pubsub:t:" + topic, 0L));
		}
	};

	/** Starts the deployment's Redis processes. */
	abstract Running start();

	/** The deployment's processes, running until closed. */
	static final class Running implements AutoCloseable {

		private final AutoCloseable processes;

		private final Function<String[], Node> nodes;

		private final ToLongFunction<String> subscribers;

		Running(AutoCloseable processes, Function<String[], Node> nodes, ToLongFunction<String> subscribers) {
			this.processes = processes;
			this.nodes = nodes;
			this.subscribers = subscribers;
		}

		/**
		 * The Redis processes: a TestRedis, TestRedisCluster or TestRedisMasterReplica.
		 */
		AutoCloseable processes() {
			return this.processes;
		}

		/** A node joined to the deployment. */
		Node node(String... properties) {
			return this.nodes.apply(properties);
		}

		/**
		 * How many nodes subscribe to {@code topic} where its publications go (on a
		 * cluster, its slot's master; on a master/replica pair, the master).
		 */
		long subscribers(String topic) {
			return this.subscribers.applyAsLong(topic);
		}

		@Override
		public void close() throws Exception {
			this.processes.close();
		}

	}

}
