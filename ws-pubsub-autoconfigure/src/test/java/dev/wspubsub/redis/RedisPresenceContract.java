package dev.wspubsub.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import dev.wspubsub.internal.cluster.RedisPresenceRegistry;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.testapp.ExpectedLog;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster-wide presence in Redis, kept alive by each node's heartbeat, on one Redis and
 * on a Redis Cluster alike: every command is a script on the topic's one key.
 */
abstract class RedisPresenceContract {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ANN = "{\"name\":\"Ann\"}";

	private static final String BOB = "{\"name\":\"Bob\"}";

	/** A node on this test's Redis, up. */
	abstract Node startNode(String... extraProperties);

	/** Commands on the Redis (the master, on a cluster) that holds {@code key}. */
	abstract RedisCommands<String, String> redisOf(String key);

	/**
	 * Makes every Redis forget the scripts it has seen, as a restart or failover does.
	 */
	abstract void forgetScripts();

	@Test
	void everyNodeSeesEveryNodesMembersAndACrashedNodesMembersExpireWithinTheTtl() {
		try (Node nodeA = startNode("ws-pubsub.fanout.redis.presence-ttl=2s");
				Node nodeB = startNode("ws-pubsub.fanout.redis.presence-ttl=2s")) {
			PresenceRegistry presenceA = nodeA.bean(PresenceRegistry.class);
			PresenceRegistry presenceB = nodeB.bean(PresenceRegistry.class);
			assertThat(presenceA).isInstanceOf(RedisPresenceRegistry.class);
			presenceA.join("room:x", "ann", ANN).block(TIMEOUT);
			presenceB.join("room:x", "bob", BOB).block(TIMEOUT);
			Map<String, String> both = Map.of("ann", ANN, "bob", BOB);
			assertThat(presenceB.members("room:x").block(TIMEOUT)).isEqualTo(both);
			// Heartbeats keep live nodes' entries well past the TTL.
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(10))
				.until(() -> both.equals(presenceA.members("room:x").block(TIMEOUT)));

			// Node B loses Redis and dies without a chance to leave. On a cluster its
			// fan-out then closes connections the factory closed already, and Lettuce
			// warns of each: this test's way of crashing, nothing a node does.
			try (ExpectedLog crash = ExpectedLog.capture(Level.WARN, "Connection is already closed")) {
				nodeB.bean(LettuceConnectionFactory.class).destroy();
				nodeB.close();
			}
			long killedAt = System.nanoTime();
			// The clock stops when the read that saw Bob gone was sent, not when its
			// answer came back.
			AtomicLong askedAt = new AtomicLong();
			await("Bob expires").atMost(Duration.ofSeconds(10)).until(() -> {
				askedAt.set(System.nanoTime());
				return Map.of("ann", ANN).equals(presenceA.members("room:x").block(TIMEOUT));
			});
			assertThat(Duration.ofNanos(askedAt.get() - killedAt)).isLessThan(Duration.ofSeconds(4));

			presenceA.leave("room:x", "ann").block(TIMEOUT);
			assertThat(presenceA.members("room:x").block(TIMEOUT)).isEmpty();
		}
	}

	/**
	 * A reader answers only the entries that have not expired by its clock, and removes
	 * the expired ones from Redis as it reads; what presence did not write stays.
	 */
	@Test
	void membersAnswersLiveEntriesOnlyAndRemovesTheExpiredOnes() {
		String key = "ws-pubsub:presence:room:expiry";
		try (Node node = startNode()) {
			PresenceRegistry presence = node.bean(PresenceRegistry.class);
			presence.join("room:expiry", "ann", ANN).block(TIMEOUT);
			long now = System.currentTimeMillis();
			RedisCommands<String, String> redis = redisOf(key);
			// Entries of other nodes: one that crashed a while ago, one alive.
			redis.hset(key, Map.of("gone:carl", (now - 1000) + ":{}", "alive:dora", (now + 60_000) + ":{\"d\":1}",
					"not-ours", "x", "gone:garbled", "soon:{}"));

			assertThat(presence.members("room:expiry").block(TIMEOUT))
				.isEqualTo(Map.of("ann", ANN, "dora", "{\"d\":1}"));
			assertThat(redis.hkeys(key)).as("the expired entries removed, the foreign one left")
				.containsExactlyInAnyOrder(node.fanout().nodeId() + ":ann", "alive:dora", "not-ours");
		}
	}

	/**
	 * Redis forgot the scripts (a restart with its data kept, a failover, SCRIPT FLUSH):
	 * the commands still reach it, sending the scripts again, and answer from Redis, not
	 * from this node's own entries.
	 */
	@Test
	void commandsStillReachRedisAfterItForgotTheScripts() {
		String key = "ws-pubsub:presence:room:flush";
		try (Node node = startNode()) {
			PresenceRegistry presence = node.bean(PresenceRegistry.class);
			presence.join("room:flush", "ann", ANN).block(TIMEOUT);
			RedisCommands<String, String> redis = redisOf(key);
			redis.hset(key, "other:dora", (System.currentTimeMillis() + 60_000) + ":{}");

			forgetScripts();
			assertThat(presence.members("room:flush").block(TIMEOUT)).as("Dora lives only in Redis")
				.isEqualTo(Map.of("ann", ANN, "dora", "{}"));
			forgetScripts();
			presence.join("room:flush", "bob", BOB).block(TIMEOUT);
			assertThat(redis.hget(key, node.fanout().nodeId() + ":bob")).endsWith(":" + BOB);
			assertThat(redis.pttl(key)).as("expires one TTL after the write").isPositive();
			forgetScripts();
			presence.leave("room:flush", "ann").block(TIMEOUT);
			assertThat(redis.hkeys(key)).containsExactlyInAnyOrder(node.fanout().nodeId() + ":bob", "other:dora");
		}
	}

	/**
	 * A node that stops cleanly removes its entries from Redis at once, rather than
	 * leaving them to expire a TTL later.
	 */
	@Test
	void aNodeThatStopsRemovesItsEntriesAtOnce() {
		String key = "ws-pubsub:presence:room:stop";
		try (Node staying = startNode("ws-pubsub.fanout.redis.presence-ttl=5m")) {
			Node leaving = startNode("ws-pubsub.fanout.redis.presence-ttl=5m");
			leaving.bean(PresenceRegistry.class).join("room:stop", "ann", ANN).block(TIMEOUT);
			staying.bean(PresenceRegistry.class).join("room:stop", "bob", BOB).block(TIMEOUT);
			String leavingId = leaving.fanout().nodeId();
			assertThat(redisOf(key).hkeys(key)).contains(leavingId + ":ann");
			leaving.close();
			assertThat(redisOf(key).hkeys(key)).containsExactly(staying.fanout().nodeId() + ":bob");
			assertThat(staying.bean(PresenceRegistry.class).members("room:stop").block(TIMEOUT))
				.isEqualTo(Map.of("bob", BOB));
		}
	}

	/**
	 * A topic with thousands of this node's entries, and thousands of expired ones: the
	 * heartbeat rewrites them and a read removes them, each in one script, past the
	 * number of arguments Lua can unpack at once (about 8,000).
	 */
	@Test
	void thousandsOfEntriesInOneTopicAreRewrittenAndExpiredOnesRemoved() {
		String key = "ws-pubsub:presence:room:big";
		int live = 4_500; // 9,000 arguments in a rewrite
		try (Node node = startNode("ws-pubsub.fanout.redis.presence-ttl=3s")) {
			PresenceRegistry presence = node.bean(PresenceRegistry.class);
			Flux.range(0, live)
				.flatMap((i) -> presence.join("room:big", "u" + i, "{}"), 64)
				.then()
				.block(Duration.ofSeconds(60));
			Map<String, String> expired = new HashMap<>();
			for (int i = 0; i < 9_000; i++) {
				expired.put("crashed:c" + i, "1:{}");
			}
			redisOf(key).hset(key, expired);

			assertThat(presence.members("room:big").block(TIMEOUT)).hasSize(live);
			assertThat(redisOf(key).hlen(key)).as("the expired ones removed").isEqualTo(live);
			// Past the TTL, alive only through the heartbeat's rewrites.
			await().during(Duration.ofSeconds(4))
				.atMost(Duration.ofSeconds(15))
				.until(() -> presence.members("room:big").block(TIMEOUT).size() == live
						&& redisOf(key).hlen(key) == live);
		}
	}

	/**
	 * The Redis holding the topic stalls (CLIENT PAUSE: connected, but no answer for 5 s;
	 * only a timeout ends the wait): every call answers within the command timeout from
	 * this node's own entries, and what changed meanwhile reaches Redis once it answers.
	 */
	@Test
	void whileRedisStallsCallsAnswerWithinTheCommandTimeoutFromThisNodeAndTheChangesReachRedisAfter() {
		String key = "ws-pubsub:presence:room:stall";
		Duration timeout = Duration.ofMillis(500);
		try (Node node = startNode("ws-pubsub.fanout.redis.command-timeout=" + timeout.toMillis() + "ms");
				ExpectedLog stall = ExpectedLog.redisOutage()) {
			PresenceRegistry presence = node.bean(PresenceRegistry.class);
			presence.join("room:stall", "ann", ANN).block(TIMEOUT);
			redisOf(key).clientPause(5000);
			// A quarter of a second for the scheduler of a loaded machine, measured from
			// each call.
			Duration bound = timeout.plusMillis(250);
			timed(bound, () -> presence.join("room:stall", "bob", BOB).block(TIMEOUT));
			assertThat(timed(bound, () -> presence.members("room:stall").block(TIMEOUT)))
				.isEqualTo(Map.of("ann", ANN, "bob", BOB));
			timed(bound, () -> presence.leave("room:stall", "ann").block(TIMEOUT));
			assertThat(timed(bound, () -> presence.members("room:stall").block(TIMEOUT))).isEqualTo(Map.of("bob", BOB));

			// Redis kept its data through the stall. (The test's own reads time out while
			// it lasts.)
			await("Ann gone and Bob present in Redis").atMost(Duration.ofSeconds(15))
				.ignoreExceptionsInstanceOf(RedisCommandTimeoutException.class)
				.until(() -> redisOf(key).hkeys(key), (fields) -> fields.size() == 1 && fields.get(0).endsWith(":bob"));
			// The fan-out's probe may go unanswered long enough for it to report itself
			// down.
			assertThat(stall.lines()).allMatch((line) -> line.contains("is down (no answer from Redis"))
				.hasSizeLessThanOrEqualTo(1);
		}
	}

	/** Runs {@code call}, asserting it answered within {@code bound}. */
	static <T> T timed(Duration bound, Supplier<T> call) {
		long start = System.nanoTime();
		T result = call.get();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to answer").isLessThan(bound);
		return result;
	}

}
