package dev.wspubsub.bench.sinks;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/**
 * Bun's chat benchmark on idiomatic Spring WebFlux, the comparison ws-pubsub is measured
 * against: a {@code WebSocketHandler} and a {@code Sinks.Many} per room. Environment:
 * {@code PORT} (default 4001), {@code CLIENTS_COUNT} (default 16).
 */
@SpringBootApplication
public class SinksChatApplication {

	public static void main(String[] args) {
		SpringApplication app = new SpringApplication(SinksChatApplication.class);
		app.setWebApplicationType(WebApplicationType.REACTIVE);
		app.setBannerMode(Banner.Mode.OFF);
		app.setDefaultProperties(Map.of(
				"server.port", "${PORT:4001}",
				"bench.clients-count", "${CLIENTS_COUNT:16}",
				"logging.level.root", "WARN",
				"logging.level.dev.wspubsub.bench", "INFO"));
		app.run(args);
	}

	@Bean
	HandlerMapping chatMapping(SinksChatHandler handler) {
		// Ahead of the annotated controllers, as the WebFlux reference shows
		return new SimpleUrlHandlerMapping(Map.of("/ws", handler), -1);
	}
}
