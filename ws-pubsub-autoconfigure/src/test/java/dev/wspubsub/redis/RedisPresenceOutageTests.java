package dev.wspubsub.redis;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence while Redis is gone or stalled: every call answers within the command timeout,
 * from this node's own entries, and the nodes rebuild presence once Redis is back.
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
			assertThat(timed(fast, () -> presenceA.members("room:x").block(BLOCK))).as("this node's own entries")
				.isEqualTo(Map.of("ann", ANN, "cleo", CLEO));
			timed(fast, () -> presenceA.leave("room:x", "ann").block(BLOCK));
			assertThat(timed(fast, () -> presenceA.members("room:x").block(BLOCK))).isEqualTo(Map.of("cleo", CLEO));

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

	@Test
	void whileRedisStallsCallsAnswerWithinTheCommandTimeoutFromThisNodeAndTheChangesReachRedisAfter() {
		Duration timeout = Duration.ofMillis(500);
		try (TestRedis redis = TestRedis.start();
				Node node = Node.start(redis, "ws-pubsub.fanout.redis.command-timeout=" + timeout.toMillis() + "ms");
				ExpectedLog stall = ExpectedLog.redisOutage()) {
			PresenceRegistry presence = node.bean(PresenceRegistry.class);
			presence.join("room:x", "ann", ANN).block(BLOCK);
			// CLIENT PAUSE: connected, but no answer for 5 s; only a timeout ends the
			// wait.
			redis.commands().clientPause(5000);
			// A quarter of a second for the scheduler of a loaded machine, measured from
			// each call.
			Duration bound = timeout.plusMillis(250);
			timed(bound, () -> presence.join("room:x", "bob", BOB).block(BLOCK));
			assertThat(timed(bound, () -> presence.members("room:x").block(BLOCK)))
				.isEqualTo(Map.of("ann", ANN, "bob", BOB));
			timed(bound, () -> presence.leave("room:x", "ann").block(BLOCK));
			assertThat(timed(bound, () -> presence.members("room:x").block(BLOCK))).isEqualTo(Map.of("bob", BOB));

			// Redis kept its data through the stall: what changed meanwhile is written
			// once it answers.
			await("Ann gone and Bob present in Redis").atMost(Duration.ofSeconds(15))
				.until(() -> redis.commands().hkeys("ws-pubsub:presence:room:x"),
						(fields) -> fields.size() == 1 && fields.get(0).endsWith(":bob"));
			// The fan-out's probe may go unanswered long enough for it to report itself
			// down.
			assertThat(stall.lines()).allMatch((line) -> line.contains("is down (no answer from Redis"))
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

	private static <T> T timed(Duration bound, Supplier<T> call) {
		long start = System.nanoTime();
		T result = call.get();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to answer").isLessThan(bound);
		return result;
	}

	private static void timed(Duration bound, Runnable call) {
		timed(bound, () -> {
			call.run();
			return null;
		});
	}

}
