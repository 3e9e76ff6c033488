package dev.wspubsub.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.internal.cluster.RedisPresenceRegistry;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cluster-wide presence in Redis, kept alive by each node's heartbeat. */
class RedisPresenceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void everyNodeSeesEveryNodesMembersAndACrashedNodesMembersExpireWithinTheTtl() {
		try (TestRedis redis = TestRedis.start();
				Node nodeA = Node.start(redis, "ws-pubsub.fanout.redis.presence-ttl=2s");
				Node nodeB = Node.start(redis, "ws-pubsub.fanout.redis.presence-ttl=2s")) {
			PresenceRegistry presenceA = nodeA.bean(PresenceRegistry.class);
			PresenceRegistry presenceB = nodeB.bean(PresenceRegistry.class);
			assertThat(presenceA).isInstanceOf(RedisPresenceRegistry.class);
			presenceA.join("room:x", "ann", "{\"name\":\"Ann\"}").block(TIMEOUT);
			presenceB.join("room:x", "bob", "{\"name\":\"Bob\"}").block(TIMEOUT);
			Map<String, String> both = Map.of("ann", "{\"name\":\"Ann\"}", "bob", "{\"name\":\"Bob\"}");
			assertThat(presenceB.members("room:x").block(TIMEOUT)).isEqualTo(both);
			// Heartbeats keep live nodes' entries well past the TTL.
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(10))
				.until(() -> both.equals(presenceA.members("room:x").block(TIMEOUT)));

			// Node B loses Redis and dies without a chance to leave.
			nodeB.bean(LettuceConnectionFactory.class).destroy();
			nodeB.close();
			long killedAt = System.nanoTime();
			// The clock stops when the read that saw Bob gone was sent, not when its
			// answer came back.
			AtomicLong askedAt = new AtomicLong();
			await("Bob expires").atMost(Duration.ofSeconds(10)).until(() -> {
				askedAt.set(System.nanoTime());
				return Map.of("ann", "{\"name\":\"Ann\"}").equals(presenceA.members("room:x").block(TIMEOUT));
			});
			assertThat(Duration.ofNanos(askedAt.get() - killedAt)).isLessThan(Duration.ofSeconds(4));

			presenceA.leave("room:x", "ann").block(TIMEOUT);
			assertThat(presenceA.members("room:x").block(TIMEOUT)).isEmpty();
		}
	}

}
