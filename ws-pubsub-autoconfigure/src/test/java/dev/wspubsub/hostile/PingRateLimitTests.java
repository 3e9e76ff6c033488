package dev.wspubsub.hostile;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.wspubsub.hostile.HostileClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pings take from the connection's message rate limit: a client cannot make the server
 * write a pong per ping at any rate it likes.
 */
@SpringBootTest(classes = HostileApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.rate-limit.messages-per-second=20", "ws-pubsub.rate-limit.burst=20",
				"ws-pubsub.rate-limit.max-excess=20" })
class PingRateLimitTests {

	@LocalServerPort
	int port;

	@Test
	void aPingFloodPastTheRateLimitIsClosedWith1008() {
		try (RawWebSocket attacker = RawWebSocket.connect(HostileClients.uri(this.port, "/hostile"))) {
			HostileClients.helloId(attacker);
			attacker.sendRawBytes(HostileClients.pings(200, 4));
			Frame close = attacker.awaitClose(TIMEOUT);
			assertThat(close.closeCode()).isEqualTo(1008);
			assertThat(close.closeReason()).isEqualTo("Rate limit exceeded");
		}
		try (WsTestClient bystander = HostileClients.connect(this.port, "/hostile")) {
			assertThat(bystander.sendAndAwait("still served")).isEqualTo("still served");
		}
	}

}
