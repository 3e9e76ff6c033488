package dev.wspubsub.bench.mvc;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Bun's chat benchmark on Spring MVC, spring-websocket and Tomcat. Environment:
 * {@code PORT} (default 4001), {@code CLIENTS_COUNT} (default 16).
 */
@SpringBootApplication
@EnableWebSocket
public class MvcChatApplication implements WebSocketConfigurer {

	private final MvcChatHandler handler;

	MvcChatApplication(MvcChatHandler handler) {
		this.handler = handler;
	}

	public static void main(String[] args) {
		SpringApplication app = new SpringApplication(MvcChatApplication.class);
		app.setWebApplicationType(WebApplicationType.SERVLET);
		app.setBannerMode(Banner.Mode.OFF);
		app.setDefaultProperties(Map.of(
				"server.port", "${PORT:4001}",
				"bench.clients-count", "${CLIENTS_COUNT:16}",
				"logging.level.root", "WARN",
				"logging.level.dev.wspubsub.bench", "INFO"));
		app.run(args);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, "/ws");
	}
}
