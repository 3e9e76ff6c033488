package dev.wspubsub.bench.stomp;

import java.util.Map;

import dev.wspubsub.bench.ChatServers;
import dev.wspubsub.bench.stomproom.RoomController;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The STOMP chat benchmark server on ws-pubsub: STOMP at {@code /stomp}, broker
 * destinations under {@code /topic}, {@link RoomController} under {@code /app}, the same
 * as {@code stompspring.SpringStompApplication} configures Spring's own. Environment:
 * {@code PORT} (default 4001). Loopback only.
 */
@SpringBootApplication
@Import(RoomController.class)
public class StompServerApplication {

	public static void main(String[] args) {
		ChatServers.run(StompServerApplication.class, WebApplicationType.REACTIVE, Map.of("server.address", "127.0.0.1",
				"ws-pubsub.stomp.endpoints", "/stomp", "ws-pubsub.stomp.broker-destination-prefixes", "/topic",
				"ws-pubsub.stomp.application-destination-prefixes", "/app",
				// As Spring's simple broker: a message reaches its sender's subscription
				// too
				"ws-pubsub.publish-to-self", "true", "ws-pubsub.per-message-deflate.enabled", "false",
				// As Spring's send buffer in SpringStompApplication (256 MB): a round of
				// 64
				// clients queues more than the default 4 MB cap (4 x the limit) per
				// client
				"ws-pubsub.backpressure-limit", "64MB", "spring.autoconfigure.exclude",
				String.join(",", "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
						"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
						"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration")),
				args);
	}

}
