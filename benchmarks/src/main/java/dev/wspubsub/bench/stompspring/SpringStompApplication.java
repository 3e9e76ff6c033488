package dev.wspubsub.bench.stompspring;

import java.util.Map;

import dev.wspubsub.bench.ChatServers;
import dev.wspubsub.bench.stomproom.RoomController;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * The STOMP chat benchmark server as Spring's guide builds it: Spring MVC,
 * spring-websocket and the simple broker on Tomcat, STOMP at {@code /stomp}, the broker
 * on {@code /topic}, {@link RoomController} under {@code /app}. Environment: {@code PORT}
 * (default 4001). Loopback only.
 */
@SpringBootApplication
@EnableWebSocketMessageBroker
@Import(RoomController.class)
public class SpringStompApplication implements WebSocketMessageBrokerConfigurer {

	public static void main(String[] args) {
		ChatServers.run(SpringStompApplication.class, WebApplicationType.SERVLET, Map.of("server.address", "127.0.0.1"),
				args);
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		registry.addEndpoint("/stomp");
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		registry.enableSimpleBroker("/topic");
		registry.setApplicationDestinationPrefixes("/app");
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
		// A round delivers clients x 1,600 messages to every client at once: Spring's
		// default 512 KB send buffer per session would close clients mid-round, so the
		// run would measure the limit, not the throughput. ws-pubsub keeps its defaults,
		// as in the chat benchmark (past its backpressure limit it still queues).
		registration.setSendBufferSizeLimit(256 * 1024 * 1024);
		registration.setSendTimeLimit(60_000);
	}

}
