package dev.wspubsub.internal.security;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.wspubsub.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event stream opened with a token ends when the token expires, as a WebSocket is
 * closed at its token's {@code exp}: a stream is no way to outlive a token.
 */
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "ws-pubsub.sse.enabled=true")
class SseTokenExpiryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Test
	void aStreamEndsWhenItsTokenExpires() {
		// exp is in whole seconds.
		Instant exp = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
		try (SseTestClient stream = SseTestClient.connect(URI.create("http://localhost:" + this.port + "/sse/news"),
				TIMEOUT, Map.of("Authorization", "Bearer " + Tokens.validUntil("alice", exp)))) {
			assertThat(stream.response().statusCode()).isEqualTo(200);
			stream.awaitLine(":subscribed", TIMEOUT);
			stream.awaitEnd(TIMEOUT);
			assertThat(Instant.now()).isAfterOrEqualTo(exp);
		}
	}

}
