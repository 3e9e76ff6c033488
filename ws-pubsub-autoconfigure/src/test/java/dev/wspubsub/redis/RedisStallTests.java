package dev.wspubsub.redis;

import java.time.Duration;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops answering for a while (a stall, not a crash): interest that changed
 * meanwhile is settled after.
 */
class RedisStallTests {

	@Test
	void aTopicLeftWhileRedisStalledIsUnsubscribedOnceItAnswersAgain() {
		try (TestRedis redis = TestRedis.start();
				Node nodeA = Node.start(redis);
				Node nodeB = Node.start(redis);
				ExpectedLog outage = ExpectedLog.redisOutage()) {
			await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			String channel = "ws-pubsub:t:stall";
			try (WsTestClient onA = RedisFanoutClusterTests.subscribed(nodeA, "stall");
					WsTestClient onB = RedisFanoutClusterTests.subscribed(nodeB, "stall")) {
				awaitSubscribedNodes(redis, channel, 2);
				// CLIENT PAUSE: Redis answers no client for 4 s, and then serves what
				// queued meanwhile.
				long stalledUntil = System.nanoTime() + Duration.ofSeconds(4).toNanos();
				redis.commands().clientPause(4000);
				await("node A calls the link down").atMost(Duration.ofSeconds(10)).until(() -> !nodeA.fanout().isUp());
				assertThat(onA.sendAndAwait("unsub stall")).isEqualTo("unsubscribed stall");
				await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > stalledUntil);
				await("node A is up again").atMost(Duration.ofSeconds(15)).until(() -> nodeA.fanout().isUp());
				awaitSubscribedNodes(redis, channel, 1);
			}
			assertThat(outage.lines("Redis fan-out of node " + nodeA.fanout().nodeId() + " is down"))
				.singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("no answer from Redis");
		}
	}

	private static void awaitSubscribedNodes(TestRedis redis, String channel, long count) {
		await("%d nodes subscribed to %s".formatted(count, channel)).atMost(Duration.ofSeconds(10))
			.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) == count);
	}

}
