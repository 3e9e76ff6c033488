package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.test.TestRedisCluster;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The cluster wire on a real Redis Cluster, through a Lettuce cluster client as Spring
 * Boot hands it over.
 */
class ClusterRedisWireTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static TestRedisCluster cluster;

	@BeforeAll
	static void startCluster() {
		cluster = TestRedisCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	/**
	 * Spring Data loads the cluster's topology at its own first command: a node whose
	 * application has sent none yet must still connect, subscribe and publish.
	 */
	@Test
	void connectsThroughAClientThatHasNotLoadedTheTopologyYet() {
		List<RedisURI> seeds = Arrays.stream(cluster.nodes().split(","))
			.map((node) -> RedisURI.create("redis://" + node))
			.toList();
		RedisClusterClient client = RedisClusterClient.create(seeds);
		try {
			ClusterRedisWire wire = new ClusterRedisWire(client);
			RedisWire.Subscription subscription = wire.subscription(() -> {
			}).block(TIMEOUT);
			assertThat(subscription).isNotNull();
			ByteBuffer channel = utf8("ws-pubsub:{fresh-client}");
			subscription.subscribe(channel).block(TIMEOUT);
			StepVerifier.create(subscription.receive().take(1))
				.then(() -> wire.publish(channel.duplicate(), utf8("hello")).block(TIMEOUT))
				.assertNext((message) -> assertThat(StandardCharsets.UTF_8.decode(message.body()).toString())
					.isEqualTo("hello"))
				.expectComplete()
				.verify(TIMEOUT);
			subscription.cancel().block(TIMEOUT);
			wire.close().block(TIMEOUT);
		}
		finally {
			// With a quiet period: a topology refresh's connection registered while the
			// event loops stop would otherwise never be closed (a leaked read buffer).
			client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
		}
	}

	@Test
	void aPublishTheMasterDoesNotAnswerFailsOnceTheCommandTimeoutHasPassed() throws Exception {
		Duration commandTimeout = Duration.ofMillis(300);
		List<RedisURI> seeds = Arrays.stream(cluster.nodes().split(","))
			.map((node) -> RedisURI.builder(RedisURI.create("redis://" + node)).withTimeout(commandTimeout).build())
			.toList();
		RedisClusterClient client = RedisClusterClient.create(seeds);
		// As Spring Boot's connection factory sets them.
		client.setOptions(ClusterClientOptions.builder().timeoutOptions(TimeoutOptions.enabled()).build());
		try {
			ClusterRedisWire wire = new ClusterRedisWire(client);
			String channel = "ws-pubsub:{hung-master}";
			wire.publish(utf8(channel), utf8("connects")).block(TIMEOUT);
			// Through the slot's master once, so its connection is open and remembered.
			CompletableFuture<?> answered = wire.publishUnflushed(utf8(channel), utf8("answered"))
				.toCompletableFuture();
			wire.flush();
			answered.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			cluster.node(cluster.masterPortOf(channel)).clientPause(3000);
			long start = System.nanoTime();
			CompletableFuture<?> expired = wire.publishUnflushed(utf8(channel), utf8("first")).toCompletableFuture();
			wire.flush();
			// The dispatcher's thread expires what it sent: this one here.
			await().pollInSameThread().atMost(Duration.ofSeconds(2)).until(() -> {
				wire.expireUnansweredPublishes();
				return expired.isDone();
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(commandTimeout);
			assertThatThrownBy(expired::join).hasCauseInstanceOf(RedisCommandTimeoutException.class);
			// Lettuce itself no longer starts a timer per publish on the master's
			// connection.
			CompletableFuture<?> untimed = wire.publishUnflushed(utf8(channel), utf8("second")).toCompletableFuture();
			wire.flush();
			await().pollInSameThread()
				.during(commandTimeout.multipliedBy(2))
				.atMost(commandTimeout.multipliedBy(4))
				.until(() -> !untimed.isDone());
			wire.close().block(TIMEOUT);
		}
		finally {
			client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
		}
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
