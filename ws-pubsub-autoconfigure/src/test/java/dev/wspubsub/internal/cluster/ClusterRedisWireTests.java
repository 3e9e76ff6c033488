package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.wspubsub.test.TestRedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

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

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
