package dev.wspubsub.bench.mvc;

import java.util.Map;

import dev.wspubsub.bench.ChatServers;

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
		ChatServers.run(MvcChatApplication.class, WebApplicationType.SERVLET, Map.of(), args);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, "/ws");
	}

}
