package dev.wspubsub.bench.chat;

import java.util.HashMap;
import java.util.Map;

import dev.wspubsub.bench.ChatServers;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Bun's chat benchmark server on ws-pubsub. Environment: {@code PORT} (default 4001),
 * {@code CLIENTS_COUNT} (default 16), the number of clients to wait for before
 * {@code ready} ({@code 0}: never, the client starts the run itself), and
 * {@code REDIS_PORT}: when set, the node joins a cluster through the Redis fan-out on
 * {@code 127.0.0.1:REDIS_PORT}, holding up to {@code PUBLISH_BUFFER} publishes (default
 * 10000, the library's) queued for Redis. {@code REDIS_CLUSTER_NODES} instead
 * ({@code host:port,...}): the same on a Redis Cluster, through Spring Boot's
 * {@code spring.data.redis.cluster.nodes} alone. Without either, Boot's Redis
 * auto-configuration is left out, so the single-node server is the same as with no Redis
 * on the classpath. {@code HISTORY_PATTERN}: when set, topics matching it keep a history
 * ({@code ws-pubsub.history.topics[0]}) of {@code HISTORY_SIZE} publications (default
 * 1000) for {@code HISTORY_TTL} (default 10m), in memory, or in Redis with the fan-out
 * on.
 */
@SpringBootApplication
public class ChatServerApplication {

	public static void main(String[] args) {
		Map<String, Object> properties = new HashMap<>(Map.of(
				// Bun's benchmark server: no compression, and a message reaches its
				// sender too
				"ws-pubsub.publish-to-self", "true", "ws-pubsub.per-message-deflate.enabled", "false"));
		String redisPort = System.getenv("REDIS_PORT");
		String clusterNodes = System.getenv("REDIS_CLUSTER_NODES");
		boolean cluster = clusterNodes != null && !clusterNodes.isEmpty();
		if (cluster || (redisPort != null && !redisPort.isEmpty())) {
			if (cluster) {
				properties.put("spring.data.redis.cluster.nodes", clusterNodes);
			}
			else {
				properties.put("spring.data.redis.host", "127.0.0.1");
				properties.put("spring.data.redis.port", redisPort);
			}
			properties.put("ws-pubsub.fanout.redis.enabled", "true");
			properties.put("ws-pubsub.fanout.redis.publish-buffer", "${PUBLISH_BUFFER:10000}");
		}
		else {
			properties.put("spring.autoconfigure.exclude", REDIS_AUTO_CONFIGURATIONS);
		}
		String historyPattern = System.getenv("HISTORY_PATTERN");
		if (historyPattern != null && !historyPattern.isEmpty()) {
			properties.put("ws-pubsub.history.topics[0].pattern", historyPattern);
			properties.put("ws-pubsub.history.topics[0].size", "${HISTORY_SIZE:1000}");
			properties.put("ws-pubsub.history.topics[0].ttl", "${HISTORY_TTL:10m}");
		}
		ChatServers.run(ChatServerApplication.class, WebApplicationType.REACTIVE, properties, args);
	}

	private static final String REDIS_AUTO_CONFIGURATIONS = String.join(",",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration");

}
