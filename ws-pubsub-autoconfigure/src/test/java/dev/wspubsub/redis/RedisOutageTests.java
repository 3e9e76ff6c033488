package dev.wspubsub.redis;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import ch.qos.logback.classic.Level;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis goes away in the middle of traffic and comes back on the same port. */
@ExtendWith(OutputCaptureExtension.class)
class RedisOutageTests {

	// Under the fan-out's 10 s "not up yet" warning.
	private static final Duration STALL = Duration.ofSeconds(8);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void anApplicationThatShutsDownDoesNotReportItsOwnRedisConnectionsClosingAsAnOutage(CapturedOutput output) {
		try (TestRedis redis = TestRedis.start()) {
			Node node = Node.start(redis);
			RedisFanout fanout = node.fanout();
			await().atMost(Duration.ofSeconds(20)).until(fanout::isUp);
			int before = output.length();
			node.close();
			assertThat(fanout.isUp()).isFalse();
			assertThat(output.toString().substring(before)).doesNotContain("is down").doesNotContain("WARN");
		}
	}

	@Test
	void aNodeTakesConnectionsOnlyOnceItsFanoutIsUp() {
		try (TestRedis redis = TestRedis.start()) {
			// Redis answers nobody for a while: the node's first connection waits for it.
			redis.commands().clientPause(STALL.toMillis());
			long starting = System.nanoTime();
			try (Node node = Node.start(redis, "ws-pubsub.fanout.redis.startup-wait=30s")) {
				assertThat(node.fanout().isUp()).as("up when the application has started").isTrue();
				assertThat(Duration.ofNanos(System.nanoTime() - starting)).as("start waited for Redis")
					.isGreaterThan(STALL.minusSeconds(1));
			}
		}
	}

	@Test
	void aNodeThatCannotReachRedisAtStartUpSaysSoOnceAndComesUpWhenRedisArrives() {
		try (TestRedis redis = TestRedis.start()) {
			redis.stopServer();
			try (Node node = Node.start(redis); ExpectedLog log = ExpectedLog.capture(Level.WARN, "is not up")) {
				String notUp = "Redis fan-out of node " + node.fanout().nodeId() + " is not up 10 s after start";
				await().atMost(Duration.ofSeconds(20)).until(() -> !log.lines(notUp).isEmpty());
				redis.startServer();
				await().atMost(Duration.ofSeconds(15)).until(() -> node.fanout().isUp());
				assertThat(log.lines(notUp)).as("told once").hasSize(1);
			}
		}
	}

	@Test
	void theWsPubSubHealthReadOverHttpIsDownWhileRedisIsAwayAndUpAgainWhenItReturns() {
		try (TestRedis redis = TestRedis.start();
				Node node = Node.start(redis, "management.endpoint.health.show-details=always");
				ExpectedLog outage = ExpectedLog.redisOutage()) {
			await("UP at start").atMost(Duration.ofSeconds(20)).until(() -> health(node).equals("200 UP"));
			redis.stopServer();
			// Three probe intervals (500ms) without an answer, plus room for a loaded
			// machine.
			await("DOWN while Redis is away").atMost(Duration.ofSeconds(10))
				.until(() -> health(node).equals("503 DOWN"));
			redis.startServer();
			// Lettuce reconnects within max-reconnect-delay (500ms); then a probe answers
			// again.
			await("UP when Redis is back").atMost(Duration.ofSeconds(15)).until(() -> health(node).equals("200 UP"));
			assertThat(outage.lines("is down")).singleElement(as(InstanceOfAssertFactories.STRING))
				.startsWith("Redis fan-out of node " + node.fanout().nodeId() + " is down");
		}
	}

	/**
	 * The HTTP status and the health status of the {@code wsPubSub} contributor, as
	 * Actuator serves them.
	 */
	private static String health(Node node) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(node.http("/actuator/health/wsPubSub")).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
		return response.statusCode() + " " + JsonMapper.shared().readTree(response.body()).get("status").stringValue();
	}

	@Test
	void localDeliveryOutlivesRedisAndCrossNodeDeliveryResumesWhenItReturns() {
		try (TestRedis redis = TestRedis.start();
				Node nodeA = Node.start(redis, "ws-pubsub.fanout.redis.publish-buffer=50");
				Node nodeB = Node.start(redis);
				ExpectedLog outage = ExpectedLog.redisOutage()) {
			await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			try (WsTestClient sender = RedisFanoutClusterTests.subscribed(nodeA, "live");
					WsTestClient local = RedisFanoutClusterTests.subscribed(nodeA, "live");
					WsTestClient remote = RedisFanoutClusterTests.subscribed(nodeB, "live")) {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> redis.commands().pubsubNumsub("ws-pubsub:t:live").get("ws-pubsub:t:live") == 2);
				sender.send("pub live before");
				assertThat(local.awaitMessage()).isEqualTo("before");
				assertThat(remote.awaitMessage()).isEqualTo("before");

				redis.stopServer();
				await("both nodes report the fan-out down").atMost(Duration.ofSeconds(15))
					.until(() -> !nodeA.fanout().isUp() && !nodeB.fanout().isUp());
				List<String> expected = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					sender.send("pub live down-" + i);
					expected.add("down-" + i);
				}
				assertThat(local.awaitMessages(100, Duration.ofSeconds(20))).isEqualTo(expected);
				// 50 held for the other nodes, the other 50 dropped and counted.
				assertThat(nodeA.fanout().bufferedCount()).isEqualTo(50);
				assertThat(nodeA.fanout().droppedCount()).isEqualTo(50);

				long restartedAt = System.nanoTime();
				redis.startServer();
				int[] probe = { 0 };
				await("a publish on node A reaches node B again").atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(200))
					.until(() -> {
						sender.send("pub live up-" + probe[0]++);
						return remote.drain().stream().anyMatch((message) -> message.startsWith("up-"));
					});
				Duration resumedAfter = Duration.ofNanos(System.nanoTime() - restartedAt);
				assertThat(resumedAfter).isLessThan(Duration.ofSeconds(10));
				await("both nodes report the fan-out up").atMost(Duration.ofSeconds(10))
					.until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
				await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.fanout().bufferedCount() == 0);
				// Local subscribers saw every publish, including those made while Redis
				// came back.
				List<String> afterRestart = local.awaitMessages(probe[0], Duration.ofSeconds(10));
				assertThat(afterRestart).first().isEqualTo("up-0");
				assertThat(afterRestart).last().isEqualTo("up-" + (probe[0] - 1));
				assertThat(outage.lines("is down")).as("each node's outage").hasSize(2);
				assertThat(outage.lines("publish buffer is full")).as("the first drop").hasSize(1);
			}
		}
	}

}
