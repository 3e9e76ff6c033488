package dev.wspubsub.bench.chat;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Bun's chat benchmark server on ws-pubsub. Environment: {@code PORT} (default 4001),
 * {@code CLIENTS_COUNT} (default 16), the number of clients to wait for before {@code ready}.
 */
@SpringBootApplication
public class ChatServerApplication {

	public static void main(String[] args) {
		SpringApplication app = new SpringApplication(ChatServerApplication.class);
		app.setWebApplicationType(WebApplicationType.REACTIVE);
		app.setBannerMode(Banner.Mode.OFF);
		app.setDefaultProperties(Map.of(
				"server.port", "${PORT:4001}",
				"bench.clients-count", "${CLIENTS_COUNT:16}",
				// Bun's benchmark server: no compression, and a message reaches its sender too
				"ws-pubsub.publish-to-self", "true",
				"ws-pubsub.per-message-deflate.enabled", "false",
				"logging.level.root", "WARN",
				"logging.level.dev.wspubsub.bench", "INFO"));
		app.run(args);
	}
}
