package dev.wspubsub.internal.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.SimpMessagingTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A STOMP endpoint behind Spring Security's bearer token, as every ws-pubsub endpoint: no
 * token, no upgrade; the token's subject is the STOMP user, whose user destinations are
 * its own.
 */
@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.stomp.endpoints=/secure-stomp",
				"ws-pubsub.security.authenticated-paths=/secure-stomp" })
class StompBearerTokenTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	SimpMessagingTemplate template;

	@Test
	void anUpgradeWithoutATokenIsRefused() {
		assertThat(RawWebSocket.upgradeStatus(uri(""), Map.of("Sec-WebSocket-Protocol", "v12.stomp"))).isEqualTo(401);
	}

	@Test
	void theTokensSubjectIsTheStompUserAndItsUserDestinationsAreItsOwn() {
		try (RawWebSocket alice = connected("alice"); RawWebSocket bob = connected("bob")) {
			for (RawWebSocket client : new RawWebSocket[] { alice, bob }) {
				client.sendText("SUBSCRIBE\nid:1\ndestination:/user/queue/notes\nreceipt:r\n\n\0");
				assertThat(read(client)).startsWith("RECEIPT\n");
			}
			this.template.convertAndSendToUser("alice", "/queue/notes", "for alice");
			this.template.convertAndSendToUser("bob", "/queue/notes", "for bob");
			assertThat(read(alice)).startsWith("MESSAGE\n").endsWith("\n\nfor alice\0");
			assertThat(read(bob)).as("bob's first message is his own").endsWith("\n\nfor bob\0");
		}
	}

	private RawWebSocket connected(String subject) {
		RawWebSocket socket = RawWebSocket.connect(uri("?access_token=" + Tokens.valid(subject)),
				Map.of("Sec-WebSocket-Protocol", "v12.stomp"));
		socket.sendText("CONNECT\naccept-version:1.2\n\n\0");
		String connected = read(socket);
		assertThat(connected).startsWith("CONNECTED\n").contains("\nuser-name:" + subject + "\n");
		return socket;
	}

	private static String read(RawWebSocket socket) {
		Frame frame = socket.readFrame(TIMEOUT);
		return new String(frame.payload(), StandardCharsets.UTF_8);
	}

	private URI uri(String query) {
		return URI.create("ws://localhost:" + this.port + "/secure-stomp" + query);
	}

}
