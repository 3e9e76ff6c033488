package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.Map;

import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's {@code {"type":"ping"}} heartbeat, on a short interval. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "chat.heartbeat.interval=300ms", "chat.heartbeat.timeout=1s" })
class HeartbeatTests {

	@LocalServerPort
	int port;

	@Test
	void aClientThatAnswersPingsStaysConnected() {
		try (WsTestClient ann = ChatClients.connect(this.port, "heartbeat-ann")) {
			for (int i = 0; i < 5; i++) {
				JsonNode ping = ann.awaitType("ping");
				assertThat(ping.path("timestamp").asLong()).isPositive();
				ann.sendJson(Map.of("type", "pong"));
			}
			assertThat(ann.isOpen()).isTrue();
		}
	}

	@Test
	void aClientThatDoesNotAnswerIsClosedWithHeartbeatTimeout() {
		try (WsTestClient ann = ChatClients.connect(this.port, "heartbeat-silent")) {
			ann.awaitType("ping");
			long pinged = System.nanoTime();
			CloseStatus status = ann.awaitClose(Duration.ofSeconds(10));
			assertThat(status).isEqualTo(new CloseStatus(1000, "Heartbeat timeout"));
			assertThat(Duration.ofNanos(System.nanoTime() - pinged)).isGreaterThan(Duration.ofMillis(700));
		}
	}

}
