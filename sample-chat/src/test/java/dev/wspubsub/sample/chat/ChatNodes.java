package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.TestRedisCluster;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Chat nodes with the {@code redis} profile in this JVM, for the cluster and reliability
 * tests.
 */
final class ChatNodes {

	/**
	 * Redis found again within half a second of its return, and the link checked as
	 * often.
	 */
	static final String[] QUICK_RECOVERY = { "--ws-pubsub.fanout.redis.max-reconnect-delay=500ms",
			"--ws-pubsub.fanout.redis.probe-interval=500ms" };

	private ChatNodes() {
	}

	/** Starts a node on a free port and waits until its Redis fan-out is up. */
	static ConfigurableApplicationContext start(TestRedis redis, String... arguments) {
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.port=" + redis.port()));
		args.addAll(List.of(arguments));
		return start(args.toArray(String[]::new));
	}

	private static ConfigurableApplicationContext start(String... arguments) {
		SpringApplication application = new SpringApplication(ChatApplication.class);
		application.setAdditionalProfiles("redis");
		application.setRegisterShutdownHook(false);
		// Arguments, so that they win over application-redis.yml.
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--chat.heartbeat.interval=1h"));
		args.addAll(List.of(arguments));
		ConfigurableApplicationContext node = application.run(args.toArray(String[]::new));
		// Until its first probe comes back a node treats Redis as away: its publishes
		// would begin new epochs.
		await("the node's Redis fan-out up").atMost(Duration.ofSeconds(10))
			.until(() -> node.getBean(RedisFanout.class).isUp());
		return node;
	}

	/**
	 * Starts a node on a Redis Cluster, configured by Spring Boot's cluster property
	 * alone, and waits until its Redis fan-out is up.
	 */
	static ConfigurableApplicationContext start(TestRedisCluster cluster, String... arguments) {
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.cluster.nodes=" + cluster.nodes()));
		args.addAll(List.of(arguments));
		return start(args.toArray(String[]::new));
	}

	static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	/**
	 * Redis subscriptions follow local interest asynchronously: wait until each node has
	 * taken it.
	 */
	static void awaitListening(TestRedis redis, String topic, long nodes) {
		String channel = "ws-pubsub:t:" + topic;
		await("nodes subscribed to " + channel).atMost(Duration.ofSeconds(10))
			.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) >= nodes);
	}

	/**
	 * On a cluster: wait until each node has subscribed the topic's shard channel on its
	 * master.
	 */
	static void awaitListening(TestRedisCluster cluster, String topic, long nodes) {
		String channel = "ws-pubsub:{" + topic + "}";
		await("nodes subscribed to shard channel " + channel).atMost(Duration.ofSeconds(10)).until(() -> {
			int master = cluster.masterPortOf(channel);
			return cluster.node(master).pubsubShardNumsub(channel).getOrDefault(channel, 0L) >= nodes;
		});
	}

}
