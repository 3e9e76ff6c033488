package dev.wspubsub.redis;

import java.time.Duration;
import java.util.Map;

import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence while Redis is gone: every call answers at once from this node's own entries,
 * and the nodes rebuild presence once Redis is back. (A stalled Redis: see
 * {@link RedisPresenceContract}, on one Redis and on a cluster.)
 */
class RedisPresenceOutageTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private static final String ANN = "{\"name\":\"Ann\"}";

	private static final String BOB = "{\"name\":\"Bob\"}";

	private static final String CLEO = "{\"name\":\"Cleo\"}";

	@Test
	void whileRedisIsDownCallsAnswerAtOnceFromThisNodeAndPresenceIsRebuiltWhenItReturnsEmpty() {
		// A long timeout: while Lettuce knows it is disconnected, commands must fail at
		// once, not wait for it.
		try (TestRedis redis = TestRedis.start();
				Node nodeA = Node.start(redis, "ws-pubsub.fanout.redis.command-timeout=10s");
				Node nodeB = Node.start(redis, "ws-pubsub.fanout.redis.command-timeout=10s");
				ExpectedLog outage = ExpectedLog.redisOutage()) {
			PresenceRegistry presenceA = nodeA.bean(PresenceRegistry.class);
			PresenceRegistry presenceB = nodeB.bean(PresenceRegistry.class);
			presenceA.join("room:x", "ann", ANN).block(BLOCK);
			presenceB.join("room:x", "bob", BOB).block(BLOCK);
			assertThat(presenceA.members("room:x").block(BLOCK)).isEqualTo(Map.of("ann", ANN, "bob", BOB));

			redis.stopServer();
			await("node A has lost Redis").atMost(Duration.ofSeconds(15)).until(() -> !nodeA.fanout().isUp());
			Duration fast = Duration.ofSeconds(1);
			timed(fast, () -> presenceA.join("room:x", "cleo", CLEO).block(BLOCK));
			assertThat(RedisPresenceContract.timed(fast, () -> presenceA.members("room:x").block(BLOCK)))
				.as("this node's own entries")
				.isEqualTo(Map.of("ann", ANN, "cleo", CLEO));
			timed(fast, () -> presenceA.leave("room:x", "ann").block(BLOCK));
			assertThat(RedisPresenceContract.timed(fast, () -> presenceA.members("room:x").block(BLOCK)))
				.isEqualTo(Map.of("cleo", CLEO));

			// It comes back without its data (no persistence): each node writes its own
			// entries again.
			redis.startServer();
			Map<String, String> everyone = Map.of("bob", BOB, "cleo", CLEO);
			await("presence rebuilt on node A").atMost(Duration.ofSeconds(15))
				.until(() -> everyone.equals(presenceA.members("room:x").block(BLOCK)));
			await("presence rebuilt on node B").atMost(Duration.ofSeconds(15))
				.until(() -> everyone.equals(presenceB.members("room:x").block(BLOCK)));
			// A fan-out still making its first connection when Redis went is not down.
			assertThat(outage.lines("Redis fan-out of node " + nodeA.fanout().nodeId() + " is down"))
				.hasSizeLessThanOrEqualTo(1);
		}
	}

	/**
	 * Redis restarted empty while no presence call ran: the fan-out's link noticed, and
	 * the entries are rewritten at once, not a third of the TTL later.
	 */
	@Test
	void anOutageNoCallRanIntoIsRepairedOnceTheLinkIsBack() {
		try (TestRedis redis = TestRedis.start();
				Node node = Node.start(redis, "ws-pubsub.fanout.redis.presence-ttl=3m")) {
			await().atMost(Duration.ofSeconds(15)).until(() -> node.fanout().isUp());
			node.bean(PresenceRegistry.class).join("room:x", "ann", ANN).block(BLOCK);
			try (ExpectedLog outage = ExpectedLog.redisOutage()) {
				redis.stopServer();
				await("the link down").atMost(Duration.ofSeconds(15)).until(() -> !node.fanout().isUp());
				redis.startServer();
				await("Ann written again").atMost(Duration.ofSeconds(10))
					.until(() -> redis.commands().hkeys("ws-pubsub:presence:room:x"),
							(fields) -> fields.size() == 1 && fields.get(0).endsWith(":ann"));
				assertThat(outage.lines("Redis fan-out of node")).as("the outage, reported").isNotEmpty();
			}
		}
	}

	/**
	 * The node checks Redis once, through the fan-out's probe: presence sends no PING.
	 */
	@Test
	void presenceRunsNoHealthCheckOfItsOwn() {
		try (TestRedis redis = TestRedis.start(); Node node = Node.start(redis)) {
			await().atMost(Duration.ofSeconds(15)).until(() -> node.fanout().isUp());
			node.bean(PresenceRegistry.class).join("room:x", "ann", ANN).block(BLOCK);
			long before = pings(redis);
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> pings(redis) == before);
		}
	}

	// PINGs Redis has answered, from INFO commandstats.
	private static long pings(TestRedis redis) {
		for (String line : redis.commands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_ping:calls=")) {
				return Long.parseLong(line.substring("cmdstat_ping:calls=".length(), line.indexOf(',')));
			}
		}
		return 0;
	}

	private static void timed(Duration bound, Runnable call) {
		RedisPresenceContract.timed(bound, () -> {
			call.run();
			return null;
		});
	}

}
