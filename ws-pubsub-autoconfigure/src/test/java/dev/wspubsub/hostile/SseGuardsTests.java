package dev.wspubsub.hostile;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.wspubsub.hostile.HostileClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event stream of the SSE bridge is a long-lived connection like a WebSocket, and gets
 * the same guards from the same properties: the origin check, the per-address connection
 * cap and the topic name's length.
 */
@SpringBootTest(classes = HostileApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.sse.enabled=true", "ws-pubsub.max-connections-per-ip=3" })
class SseGuardsTests {

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	HostileApplication.Counted counted;

	private URI stream(String topic) {
		return URI.create("http://localhost:" + this.port + "/sse/" + topic);
	}

	@Test
	void aStreamFromAForeignOriginIsRefusedWith403() {
		try (SseTestClient foreign = SseTestClient.connect(stream("room"), TIMEOUT,
				Map.of("Origin", "http://evil.example"))) {
			assertThat(foreign.response().statusCode()).isEqualTo(403);
		}
		try (SseTestClient same = SseTestClient.connect(stream("room"), TIMEOUT,
				Map.of("Origin", "http://localhost:" + this.port))) {
			assertThat(same.response().statusCode()).isEqualTo(200);
		}
	}

	@Test
	void streamsPastTheCapPerAddressAreRefusedWith429UntilOneCloses() {
		List<SseTestClient> open = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				SseTestClient client = SseTestClient.connect(stream("capped"), TIMEOUT);
				open.add(client);
				assertThat(client.response().statusCode()).isEqualTo(200);
				client.awaitLine(":subscribed", TIMEOUT);
			}
			long before = this.counted.get("rejected:" + WsMetricsListener.REJECTED_TOO_MANY_CONNECTIONS_PER_ADDRESS);
			try (SseTestClient fourth = SseTestClient.connect(stream("capped"), TIMEOUT)) {
				assertThat(fourth.response().statusCode()).isEqualTo(429);
			}
			assertThat(this.counted.get("rejected:" + WsMetricsListener.REJECTED_TOO_MANY_CONNECTIONS_PER_ADDRESS))
				.isEqualTo(before + 1);
			open.remove(0).close();
			await().atMost(TIMEOUT).until(() -> this.server.subscriberCount("capped") == 2);
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
				SseTestClient again = SseTestClient.connect(stream("capped"), TIMEOUT);
				if (again.response().statusCode() == 200) {
					open.add(again);
					return true;
				}
				again.close();
				return false;
			});
		}
		finally {
			open.forEach(SseTestClient::close);
		}
	}

	@Test
	void aTopicNameOverTheLengthLimitIsRefusedWith400AndCounted() {
		long before = this.counted.get("topic-refused:" + WsMetricsListener.TOPIC_REFUSED_TOO_LONG);
		try (SseTestClient tooLong = SseTestClient.connect(stream("t".repeat(257)), TIMEOUT)) {
			assertThat(tooLong.response().statusCode()).isEqualTo(400);
		}
		assertThat(this.counted.get("topic-refused:" + WsMetricsListener.TOPIC_REFUSED_TOO_LONG)).isEqualTo(before + 1);
		try (SseTestClient longest = SseTestClient.connect(stream("t".repeat(256)), TIMEOUT)) {
			assertThat(longest.response().statusCode()).isEqualTo(200);
		}
	}

}
