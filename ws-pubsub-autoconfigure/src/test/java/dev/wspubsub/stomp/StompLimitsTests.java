package dev.wspubsub.stomp;

import java.net.URI;

import dev.wspubsub.CloseCodes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ws-pubsub.rate-limit.*} counts STOMP frames: a client past it gets an ERROR
 * saying so and is closed, while another client keeps its own budget.
 */
@SpringBootTest(classes = StompApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.stomp.endpoints=/stomp", "ws-pubsub.rate-limit.messages-per-second=1",
				"ws-pubsub.rate-limit.burst=5" })
class StompLimitsTests {

	@LocalServerPort
	int port;

	@Test
	void framesPastTheRateLimitGetAnErrorThenAClose() {
		URI uri = URI.create("ws://localhost:" + this.port + "/stomp");
		try (RawStomp flooding = RawStomp.connected(uri); RawStomp calm = RawStomp.connected(uri)) {
			StringBuilder burst = new StringBuilder();
			for (int i = 0; i < 10; i++) {
				burst.append("SEND\ndestination:/topic/flood\n\n").append(i).append('\0');
			}
			flooding.send(burst.toString());
			assertThat(flooding.readErrorAndClose(CloseCodes.POLICY_VIOLATION).header("message"))
				.isEqualTo("rate limit exceeded");
			calm.send("SUBSCRIBE\nid:1\ndestination:/topic/calm\nreceipt:r\n\n\0");
			assertThat(calm.read().header("receipt-id")).isEqualTo("r");
		}
	}

}
