package dev.wspubsub.observability;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = RoomsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.sse.enabled=true", "ws-pubsub.sse.path=/events", "ws-pubsub.sse.heartbeat=300ms",
				"ws-pubsub.sse.retry=3s" })
@Import(SseBridgeIntegrationTests.NoSecrets.class)
class SseBridgeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Test
	void aTopicIsStreamedAsEventsWithIdsDataAndRetry() {
		try (SseTestClient sse = connect("news")) {
			assertThat(sse.response().statusCode()).isEqualTo(200);
			assertThat(sse.response().headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
			sse.awaitLine("retry:3000", TIMEOUT);
			sse.awaitLine(":subscribed", TIMEOUT);

			this.server.publish("news", "hello");
			this.server.publish("news", Map.of("headline", "rain"));
			this.server.publish("weather", "not for this stream");
			sse.awaitLine("id:1", TIMEOUT);
			assertThat(sse.awaitLine((line) -> line.startsWith("data:"), TIMEOUT)).isEqualTo("data:hello");
			sse.awaitLine("id:2", TIMEOUT);
			assertThat(sse.awaitLine((line) -> line.startsWith("data:"), TIMEOUT))
				.isEqualTo("data:{\"headline\":\"rain\"}");
		}
	}

	@Test
	void aTopicTheAuthorizerDeniesIsRefusedWith403AndNothingIsSubscribed() {
		try (SseTestClient sse = connect("secret")) {
			assertThat(sse.response().statusCode()).isEqualTo(403);
		}
		assertThat(this.server.subscriberCount("secret")).isZero();
	}

	@Test
	void webSocketPublishesReachServerSentEventClients() {
		try (SseTestClient sse = connect("lobby");
				WsTestClient ws = WsTestClient.builder(URI.create("ws://localhost:" + this.port + "/rooms"))
					.defaultTimeout(TIMEOUT)
					.connect()) {
			sse.awaitLine(":subscribed", TIMEOUT);
			ws.sendJson(Map.of("type", "say", "room", "lobby", "text", "hi from a socket"));
			assertThat(sse.awaitLine((line) -> line.startsWith("data:"), TIMEOUT))
				.isEqualTo("data:{\"type\":\"said\",\"text\":\"hi from a socket\"}");
		}
	}

	@Test
	void heartbeatCommentsArriveOnAnIdleStream() {
		try (SseTestClient sse = connect("quiet")) {
			sse.awaitLine(":subscribed", TIMEOUT);
			sse.awaitLine(":heartbeat", TIMEOUT);
			sse.awaitLine(":heartbeat", TIMEOUT);
		}
	}

	@Test
	void aClientThatDisconnectsIsUnsubscribedAtOnce() {
		SseTestClient sse = connect("leaving");
		sse.awaitLine(":subscribed", TIMEOUT);
		assertThat(this.server.subscriberCount("leaving")).isEqualTo(1);
		sse.close();
		await().atMost(TIMEOUT).until(() -> this.server.subscriberCount("leaving") == 0);
	}

	private SseTestClient connect(String topic) {
		return SseTestClient.connect(URI.create("http://localhost:" + this.port + "/events/" + topic), TIMEOUT);
	}

	/**
	 * Denies the topic "secret" to everyone: SSE streams obey the same authorizers as
	 * WebSockets.
	 */
	@Configuration(proxyBeanMethods = false)
	static class NoSecrets {

		@Bean
		TopicAuthorizer noSecrets() {
			return new TopicAuthorizer() {

				@Override
				public boolean canSubscribe(String topic, Client client) {
					return !topic.equals("secret");
				}
			};
		}

	}

}
