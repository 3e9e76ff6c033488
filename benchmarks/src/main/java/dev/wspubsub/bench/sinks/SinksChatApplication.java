package dev.wspubsub.bench.sinks;

import java.util.Map;

import dev.wspubsub.bench.ChatServers;

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
		ChatServers.run(SinksChatApplication.class, WebApplicationType.REACTIVE, Map.of(), args);
	}

	@Bean
	HandlerMapping chatMapping(SinksChatHandler handler) {
		// Ahead of the annotated controllers, as the WebFlux reference shows
		return new SimpleUrlHandlerMapping(Map.of("/ws", handler), -1);
	}

}
