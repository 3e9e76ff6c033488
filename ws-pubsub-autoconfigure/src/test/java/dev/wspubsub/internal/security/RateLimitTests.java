package dev.wspubsub.internal.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.rate-limit.messages-per-second=1", "ws-pubsub.rate-limit.burst=3",
				"ws-pubsub.rate-limit.max-excess=6" })
class RateLimitTests {

	private static final String EXCEEDED = "{\"type\":\"error\",\"error\":\"Rate limit exceeded\"}";

	@LocalServerPort
	int port;

	private WsTestClient connect() {
		return WsTestClient.connect(URI.create("ws://localhost:" + this.port + "/open"));
	}

	@Test
	void messagesWithinTheBurstPassAndTheNextGetsAnErrorReply() {
		try (WsTestClient client = connect()) {
			for (int i = 0; i < 5; i++) {
				client.send("m" + i);
			}
			List<String> replies = client.awaitMessages(5, Duration.ofSeconds(10));
			assertThat(replies.subList(0, 3)).containsExactly("m0", "m1", "m2");
			assertThat(replies.subList(3, 5)).as("no token refilled in the few ms of sending").contains(EXCEEDED);
		}
	}

	@Test
	void theLimitRecoversAsTheBucketRefills() {
		try (WsTestClient client = connect()) {
			for (int i = 0; i < 4; i++) {
				client.send("m" + i);
			}
			assertThat(client.awaitMessages(4, Duration.ofSeconds(10))).contains(EXCEEDED);
			// One token a second: after a quiet while the client may send again.
			client.assertNoMessage(Duration.ofMillis(2200));
			assertThat(client.sendAndAwait("again")).isEqualTo("again");
		}
	}

	@Test
	void persistentExcessClosesTheConnectionWith1008() {
		try (WsTestClient client = connect()) {
			for (int i = 0; i < 20 && client.isOpen(); i++) {
				try {
					client.send("flood" + i);
				}
				catch (RuntimeException closedMeanwhile) {
					break;
				}
			}
			CloseStatus status = client.awaitClose(Duration.ofSeconds(10));
			assertThat(status.code()).isEqualTo(1008);
			assertThat(status.reason()).isEqualTo("Rate limit exceeded");
		}
	}

}
