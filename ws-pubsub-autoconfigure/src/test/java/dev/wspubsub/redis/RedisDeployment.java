package dev.wspubsub.redis;

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
			return new Running(redis) {

				@Override
				Node node(String... properties) {
					return Node.start(redis, properties);
				}

				@Override
				long subscribers(String topic) {
					String channel = "ws-pubsub:t:" + topic;
					return redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L);
				}

			};
		}
	},

	REDIS_CLUSTER {
		@Override
		Running start() {
			TestRedisCluster cluster = TestRedisCluster.start();
			return new Running(cluster) {

				@Override
				Node node(String... properties) {
					return Node.start(cluster, properties);
				}

				@Override
				long subscribers(String topic) {
					String channel = "ws-pubsub:{" + topic + "}";
					return cluster.node(cluster.masterPortOf(channel))
						.pubsubShardNumsub(channel)
						.getOrDefault(channel, 0L);
				}

			};
		}
	},

	STATIC_MASTER_REPLICA {
		@Override
		Running start() {
			TestRedisMasterReplica pair = TestRedisMasterReplica.start();
			return new Running(pair) {

				@Override
				Node node(String... properties) {
					return Node.start(pair, properties);
				}

				@Override
				long subscribers(String topic) {
					String channel = "ws-pubsub:t:" + topic;
					return pair.node(pair.masterPort()).pubsubNumsub(channel).getOrDefault(channel, 0L);
				}

			};
		}
	};

	/** Starts the deployment's Redis processes. */
	abstract Running start();

	/** The deployment's processes, running until closed. */
	abstract static class Running implements AutoCloseable {

		private final AutoCloseable processes;

		Running(AutoCloseable processes) {
			this.processes = processes;
		}

		/** A node joined to the deployment. */
		abstract Node node(String... properties);

		/**
		 * How many nodes subscribe to {@code topic} where its publications go (on a
		 * cluster, its slot's master; on a master/replica pair, the master).
		 */
		abstract long subscribers(String topic);

		@Override
		public void close() throws Exception {
			this.processes.close();
		}

	}

}
