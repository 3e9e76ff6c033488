package dev.wspubsub.internal.security;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Endpoints for the security tests: {@code /secure} requires a token, {@code /open} does
 * not.
 */
@SpringBootApplication
public class SecureApplication {

	@Bean
	ReactiveJwtDecoder testJwtDecoder() {
		return Tokens.decoder();
	}

	/** What {@code @OnUpgrade} saw of the user. */
	record Caller(String subject, String room) {
	}

	@WsEndpoint(path = "/secure", authenticated = "${test.secure-authenticated:true}", subprotocols = "chat")
	static class SecureEndpoint {

		private final WsServer server;

		SecureEndpoint(WsServer server) {
			this.server = server;
		}

		@OnUpgrade
		Caller upgrade(@AuthenticationPrincipal Jwt jwt, Principal principal) {
			return new Caller(principal.getName(), jwt.getClaimAsString("room"));
		}

		@OnOpen
		void open(WsSession<Caller> ws) {
			ws.send(Map.of("type", "welcome", "subject", ws.data().subject(), "principal", ws.principal().getName()));
		}

		@OnMessage("whoami")
		Map<String, Object> whoami(WsSession<Caller> ws, JsonNode message, Jwt jwt, Authentication authentication,
				Principal principal) {
			Map<String, Object> reply = new LinkedHashMap<>();
			reply.put("type", "you");
			reply.put("jwt", jwt.getSubject());
			reply.put("authentication", authentication.getName());
			reply.put("principal", principal.getName());
			reply.put("room", ws.data().room());
			reply.put("subprotocol", String.valueOf(ws.subprotocol()));
			return reply;
		}

		@OnMessage("subscribe")
		Map<String, Object> subscribe(WsSession<Caller> ws, JsonNode message) {
			boolean subscribed = ws.subscribe(message.get("topic").stringValue());
			return Map.of("type", "subscribed", "topic", message.get("topic").stringValue(), "ok", subscribed);
		}

		@OnMessage("publish")
		Map<String, Object> publish(WsSession<Caller> ws, JsonNode message) {
			String topic = message.get("topic").stringValue();
			int result = ws.publish(topic, Map.of("type", "message", "topic", topic, "from", ws.data().subject()));
			return Map.of("type", "published", "topic", topic, "result", result);
		}

		@OnMessage("server_publish")
		Map<String, Object> serverPublish(WsSession<Caller> ws, JsonNode message) {
			String topic = message.get("topic").stringValue();
			int result = this.server.publish(topic, Map.of("type", "message", "topic", topic, "from", "server"));
			return Map.of("type", "published", "topic", topic, "result", result);
		}

	}

	@WsEndpoint("/open")
	static class OpenEndpoint {

		@OnMessage
		String echo(String text, @Nullable Principal principal) {
			return text;
		}

	}

	/** A JSON endpoint open to anyone, for malformed-input tests. */
	@WsEndpoint("/typed")
	static class TypedEndpoint {

		record Note(String text) {
		}

		@OnMessage("note")
		Map<String, Object> note(Note note) {
			return Map.of("type", "noted", "text", note.text());
		}

	}

}
