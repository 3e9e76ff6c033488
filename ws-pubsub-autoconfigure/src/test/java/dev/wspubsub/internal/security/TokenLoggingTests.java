package dev.wspubsub.internal.security;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No token reaches the log, whatever the token and however it came, with ws-pubsub,
 * Spring Security and Reactor Netty logging at DEBUG: valid, expired and forged tokens in
 * the {@code Authorization} header, the {@code access_token} query parameter and the
 * subprotocol header, and a refresh with a forged token. (Spring WebFlux's own request
 * log, {@code org.springframework.web} at DEBUG, shows the query string and with it an
 * {@code access_token}; the README says so.)
 */
@WithSpringSecurity
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.dev.wspubsub=DEBUG", "logging.level.org.springframework.security=DEBUG",
				"logging.level.reactor.netty=DEBUG" })
class TokenLoggingTests {

	@LocalServerPort
	int port;

	@Test
	void noTokenAppearsInTheLog(CapturedOutput output) {
		List<String> tokens = List.of(Tokens.valid("alice"), Tokens.expired("alice"), Tokens.badSignature("alice"));
		List<Integer> statuses = new ArrayList<>();
		for (String token : tokens) {
			statuses.add(RawWebSocket.upgradeStatus(uri("/secure"), Map.of("Authorization", "Bearer " + token)));
			statuses.add(RawWebSocket.upgradeStatus(uri("/secure?access_token=" + token), Map.of()));
			statuses
				.add(RawWebSocket.upgradeStatus(uri("/secure"), Map.of("Sec-WebSocket-Protocol", "bearer, " + token)));
			statuses
				.add(RawWebSocket.upgradeStatus(uri("/secure"), Map.of("Sec-WebSocket-Protocol", "token." + token)));
		}
		assertThat(statuses).as("valid, then expired, then forged; four ways each")
			.containsExactly(101, 101, 101, 101, 401, 401, 401, 401, 401, 401, 401, 401);
		String forged = Tokens.badSignature("alice");
		try (WsTestClient client = WsTestClient.builder(uri("/secure"))
			.header("Authorization", "Bearer " + Tokens.valid("alice"))
			.connect()) {
			client.awaitType("welcome");
			client.sendJson(Map.of("type", "auth", "token", forged));
			assertThat(client.awaitType("error").get("error").stringValue()).startsWith("Token refresh failed");
		}
		assertThat(output.getAll()).as("DEBUG logging is on").contains("DEBUG");
		for (String token : concat(tokens, forged)) {
			String signature = token.substring(token.lastIndexOf('.') + 1);
			assertThat(output.getAll()).doesNotContain(token).doesNotContain(signature);
		}
	}

	private URI uri(String pathAndQuery) {
		return URI.create("ws://localhost:" + this.port + pathAndQuery);
	}

	private static List<String> concat(List<String> tokens, String token) {
		List<String> all = new ArrayList<>(tokens);
		all.add(token);
		return all;
	}

}
