package dev.wspubsub.redis;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publications of one topic that queue up together cross to the other nodes in few Redis
 * publishes, each arriving as if it had come alone; a lone one is not held back.
 */
class RedisBatchedPublishTests {

	private static final int BURST = 2_000;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@ParameterizedTest
	@EnumSource(names = { "ONE_REDIS", "REDIS_CLUSTER" })
	void aBurstCrossesInFewerPublishesThanPublicationsAndArrivesWholeInOrderOnce(RedisDeployment deployment)
			throws Exception {
		try (RedisDeployment.Running redis = deployment.start();
				Node sender = redis.node();
				Node receiver = redis.node()) {
			await().atMost(TIMEOUT).until(() -> sender.fanout().isUp() && receiver.fanout().isUp());
			try (WsTestClient subscriber = RedisFanoutClusterTests.subscribed(receiver, "burst")) {
				await("the receiver subscribed").atMost(TIMEOUT).until(() -> redis.subscribers("burst") == 1);
				List<RedisCommands<String, String>> masters = masters(redis);
				masters.forEach(RedisCommands::configResetstat);
				WsServer server = sender.bean(WsServer.class);
				for (int i = 0; i < BURST; i++) {
					server.publish("burst", "m" + i);
				}
				List<String> expected = IntStream.range(0, BURST).mapToObj((i) -> "m" + i).toList();
				assertThat(subscriber.awaitMessages(BURST, TIMEOUT)).isEqualTo(expected);
				subscriber.assertNoMessage(Duration.ofMillis(300));
				// Probes publish too, a few a second: still far fewer than the burst.
				assertThat(publishCalls(masters)).as("PUBLISH and SPUBLISH calls for %d publications", BURST)
					.isPositive()
					.isLessThan(BURST);
				assertThat(sender.fanout().publishedCount()).as("publications, not commands")
					.isGreaterThanOrEqualTo(BURST);
				assertThat(receiver.fanout().receivedCount()).isEqualTo(BURST);
				assertThat(sender.fanout().droppedCount()).isZero();
				assertThat(receiver.fanout().errorCount()).isZero();

				long sentAt = System.nanoTime();
				server.publish("burst", "alone");
				assertThat(subscriber.awaitMessage(TIMEOUT)).isEqualTo("alone");
				assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).as("a lone publication is not held back")
					.isLessThan(Duration.ofSeconds(1));
			}
		}
	}

	@Test
	void aMalformedBatchIsDroppedCountedAndLoggedAndTheTopicCarriesOn() {
		try (TestRedis redis = TestRedis.start(); Node sender = Node.start(redis); Node receiver = Node.start(redis)) {
			await().atMost(TIMEOUT).until(() -> sender.fanout().isUp() && receiver.fanout().isUp());
			try (WsTestClient subscriber = RedisFanoutClusterTests.subscribed(receiver, "bad");
					ExpectedLog log = ExpectedLog.capture(Level.WARN, "Dropped a malformed batch")) {
				await().atMost(TIMEOUT)
					.until(() -> redis.commands().pubsubNumsub("ws-pubsub:t:bad").get("ws-pubsub:t:bad") == 1);
				long errors = receiver.fanout().errorCount();
				// Version 7 (a batch) whose one envelope says 9 bytes where 2 follow.
				redis.commands().publish("ws-pubsub:t:bad", "\u0007\u0000\u0000\u0000\u0009ab");
				await("the malformed batch counted").atMost(TIMEOUT)
					.until(() -> receiver.fanout().errorCount() == errors + 1);
				assertThat(log.lines()).singleElement()
					.satisfies((line) -> assertThat(line).contains("topic 'bad'", "9 bytes"));
				sender.bean(WsServer.class).publish("bad", "after");
				assertThat(subscriber.awaitMessage(TIMEOUT)).isEqualTo("after");
				subscriber.assertNoMessage(Duration.ofMillis(300));
				assertThat(receiver.fanout().isUp()).isTrue();
			}
		}
	}

	@Test
	void withBatchingOffEachPublicationIsAPublishOfItsOwn() {
		int burst = 500;
		try (TestRedis redis = TestRedis.start();
				Node sender = Node.start(redis, "ws-pubsub.fanout.redis.batch-publishes=false");
				Node receiver = Node.start(redis)) {
			await().atMost(TIMEOUT).until(() -> sender.fanout().isUp() && receiver.fanout().isUp());
			try (WsTestClient subscriber = RedisFanoutClusterTests.subscribed(receiver, "single")) {
				await().atMost(TIMEOUT)
					.until(() -> redis.commands().pubsubNumsub("ws-pubsub:t:single").get("ws-pubsub:t:single") == 1);
				redis.commands().configResetstat();
				WsServer server = sender.bean(WsServer.class);
				for (int i = 0; i < burst; i++) {
					server.publish("single", "m" + i);
				}
				assertThat(subscriber.awaitMessages(burst, TIMEOUT))
					.isEqualTo(IntStream.range(0, burst).mapToObj((i) -> "m" + i).toList());
				assertThat(publishCalls(List.of(redis.commands()))).isGreaterThanOrEqualTo(burst);
			}
		}
	}

	private static List<RedisCommands<String, String>> masters(RedisDeployment.Running redis) {
		if (redis.processes() instanceof TestRedisCluster cluster) {
			return cluster.masterPorts().stream().map(cluster::node).toList();
		}
		return List.of(((TestRedis) redis.processes()).commands());
	}

	private static long publishCalls(List<RedisCommands<String, String>> masters) {
		long calls = 0;
		for (RedisCommands<String, String> master : masters) {
			Matcher matcher = Pattern.compile("cmdstat_s?publish:calls=(\\d+)").matcher(master.info("commandstats"));
			while (matcher.find()) {
				calls += Long.parseLong(matcher.group(1));
			}
		}
		return calls;
	}

}
