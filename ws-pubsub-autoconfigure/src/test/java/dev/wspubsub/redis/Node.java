package dev.wspubsub.redis;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.TestRedisMasterReplica;
import dev.wspubsub.test.WsTestClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One application node on port 0, joined to the cluster through {@code redis}. */
final class Node implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private Node(ConfigurableApplicationContext context) {
		this.context = context;
	}

	static Node start(TestRedis redis, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", String.valueOf(redis.port()));
		return start(properties, extraProperties);
	}

	/** A node on a Redis Cluster, configured by Spring Boot's cluster property alone. */
	static Node start(TestRedisCluster cluster, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.cluster.nodes", cluster.nodes());
		return start(properties, extraProperties);
	}

	/**
	 * A node on a static master/replica pair, configured by Spring Boot's master/replica
	 * property alone, the replica listed first.
	 */
	static Node start(TestRedisMasterReplica pair, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.masterreplica.nodes", pair.nodes());
		return start(properties, extraProperties);
	}

	private static Node start(Map<String, Object> redisProperties, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>(redisProperties);
		properties.put("server.port", "0");
		properties.put("ws-pubsub.fanout.redis.enabled", "true");
		properties.put("ws-pubsub.fanout.redis.probe-interval", "500ms");
		properties.put("ws-pubsub.fanout.redis.max-reconnect-delay", "500ms");
		for (String property : extraProperties) {
			int eq = property.indexOf('=');
			properties.put(property.substring(0, eq), property.substring(eq + 1));
		}
		SpringApplication application = new SpringApplication(RoomApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(properties);
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		return new Node(application.run());
	}

	WsTestClient connect() {
		return WsTestClient.connect(URI.create("ws://localhost:" + port() + "/room"));
	}

	/** An HTTP URI of this node, for its Actuator endpoints. */
	URI http(String path) {
		return URI.create("http://localhost:" + port() + path);
	}

	// Read each time: a context stopped and started again listens on a new port.
	private int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	RedisFanout fanout() {
		return this.context.getBean(RedisFanout.class);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
