package dev.wspubsub.redis;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis channel subscriptions follow local interest, in batches. */
class RedisSubscriptionTests {

	private static TestRedis redis;

	private static Node nodeA;

	private static Node nodeB;

	@BeforeAll
	static void startCluster() {
		redis = TestRedis.start();
		// One connection subscribes ten thousand topics here: past the default cap.
		nodeA = Node.start(redis, "ws-pubsub.max-topics-per-connection=0");
		nodeB = Node.start(redis, "ws-pubsub.max-topics-per-connection=0");
		await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
	}

	@AfterAll
	static void stopCluster() {
		nodeA.close();
		nodeB.close();
		redis.close();
	}

	@Test
	void aTopicsChannelExistsExactlyWhileSomeNodeHasALocalSubscriber() {
		String channel = "ws-pubsub:t:rc";
		assertThat(redis.commands().pubsubChannels(channel)).isEmpty();
		try (WsTestClient onA = RedisFanoutClusterTests.subscribed(nodeA, "rc")) {
			awaitSubscribedNodes(channel, 1);
			try (WsTestClient onB = RedisFanoutClusterTests.subscribed(nodeB, "rc")) {
				awaitSubscribedNodes(channel, 2);
				assertThat(onA.sendAndAwait("unsub rc")).isEqualTo("unsubscribed rc");
				awaitSubscribedNodes(channel, 1);
				assertThat(redis.commands().pubsubChannels(channel)).containsExactly(channel);
			}
			// B's last subscriber closed its connection; A has none left either.
			awaitSubscribedNodes(channel, 0);
			assertThat(redis.commands().pubsubChannels(channel)).isEmpty();
			assertThat(onA.sendAndAwait("sub rc")).isEqualTo("subscribed rc");
			awaitSubscribedNodes(channel, 1);
		}
		awaitSubscribedNodes(channel, 0);
	}

	@Test
	void aBurstOfTenThousandTopicsIsSubscribedAndUnsubscribedInFewCommands() {
		redis.commands().configResetstat();
		try (WsTestClient client = nodeA.connect()) {
			assertThat(client.sendAndAwait("subn burst 10000")).isEqualTo("subscribed 10000");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> redis.commands().pubsubChannels("ws-pubsub:t:burst*").size() == 10_000);
			assertThat(commandCalls("subscribe")).isPositive().isLessThan(100);
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> redis.commands().pubsubChannels("ws-pubsub:t:burst*").isEmpty());
		assertThat(commandCalls("unsubscribe")).isPositive().isLessThan(100);
	}

	@Test
	void anIdleNodeKeepsItsProbeChannelAndStaysUp() {
		// Each up transition resyncs the subscriptions; the probe channel must survive
		// them.
		await().during(Duration.ofSeconds(4))
			.atMost(Duration.ofSeconds(10))
			.until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp()
					&& redis.commands().pubsubChannels("ws-pubsub:$probe:*").size() == 2);
	}

	private static void awaitSubscribedNodes(String channel, long count) {
		await("%d nodes subscribed to %s".formatted(count, channel)).atMost(Duration.ofSeconds(10))
			.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) == count);
	}

	private static long commandCalls(String command) {
		Matcher matcher = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
			.matcher(redis.commands().info("commandstats"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
