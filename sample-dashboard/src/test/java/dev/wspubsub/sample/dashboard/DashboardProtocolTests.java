package dev.wspubsub.sample.dashboard;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dashboard.interval=200ms")
@Import(TestDashboardConfiguration.class)
class DashboardProtocolTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	SettableMetrics metrics;

	@AfterEach
	void normalCpu() {
		this.metrics.cpu(20);
	}

	private WsTestClient connect() {
		return WsTestClient.connect(URI.create("ws://localhost:" + this.port + "/ws"));
	}

	private WebTestClient http() {
		return WebTestClient.bindToServer().baseUrl("http://localhost:" + this.port).responseTimeout(WAIT).build();
	}

	@Test
	void newClientGetsInitialStateThenLiveMetrics() {
		try (WsTestClient client = connect()) {
			JsonNode initial = client.awaitJson();
			assertThat(initial.get("type").asString()).isEqualTo("initial_state");
			assertThat(initial.get("history").isArray()).isTrue();
			assertThat(initial.get("alerts").isArray()).isTrue();
			JsonNode data = client.awaitType("metrics_update", WAIT).get("data");
			for (String field : List.of("cpu", "memory", "disk", "requests", "errors", "latencyP50", "latencyP95",
					"latencyP99", "timestamp")) {
				assertThat(data.has(field)).as(field).isTrue();
			}
			assertThat(data.get("network").has("in")).isTrue();
			assertThat(data.get("network").has("out")).isTrue();
		}
	}

	@Test
	void alertIsRaisedWhenCpuCrossesAThresholdReportedOnSeverityChangeAndClearedWhenNormal() {
		try (WsTestClient client = connect()) {
			client.awaitType("initial_state", WAIT);
			this.metrics.cpu(95);
			JsonNode critical = client.awaitType("alert", WAIT).get("data");
			assertThat(critical.get("type").asString()).isEqualTo("critical");
			assertThat(critical.get("metric").asString()).isEqualTo("cpu");
			assertThat(critical.get("threshold").asDouble()).isEqualTo(90);
			assertThat(critical.get("value").asDouble()).isEqualTo(95);
			for (String field : List.of("id", "message", "timestamp")) {
				assertThat(critical.has(field)).as(field).isTrue();
			}
			this.metrics.cpu(75);
			JsonNode warning = client.awaitType("alert", WAIT).get("data");
			assertThat(warning.get("type").asString()).isEqualTo("warning");
			assertThat(warning.get("id").asString()).isEqualTo(critical.get("id").asString());
			this.metrics.cpu(10);
			await().atMost(WAIT).untilAsserted(() -> assertThat(activeAlerts()).isEmpty());
		}
	}

	@Test
	void unsubscribedClientStopsGettingMetricsUntilItSubscribesAgain() {
		try (WsTestClient client = connect()) {
			client.awaitType("initial_state", WAIT);
			client.sendJson(Map.of("type", "unsubscribe", "channel", "metrics"));
			client.awaitType("unsubscribed", WAIT);
			client.drain();
			client.assertNoMessage(Duration.ofMillis(800));
			client.sendJson(Map.of("type", "subscribe", "channel", "metrics"));
			client.awaitType("subscribed", WAIT);
			client.awaitType("metrics_update", WAIT);
			client.sendJson(Map.of("type", "subscribe", "channel", "secrets"));
			assertThat(client.awaitType("error", WAIT).get("error").asString()).isEqualTo("Unknown channel: secrets");
		}
	}

	@Test
	void historyHoldsAtMostTheLastHundredSamples() {
		await().atMost(WAIT).untilAsserted(() -> assertThat(history()).isNotEmpty());
		assertThat(history()).hasSizeLessThanOrEqualTo(MetricsHistory.SIZE);
	}

	@Test
	void serverSentEventsStreamTheLatestMetrics() {
		List<ServerSentEvent<Map<String, Object>>> events = http().get()
			.uri("/events/metrics")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(new org.springframework.core.ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			})
			.getResponseBody()
			.take(2)
			.collectList()
			.block(WAIT);
		assertThat(events).hasSize(2);
		assertThat(events.get(0).event()).isEqualTo("metrics");
		assertThat(events.get(0).id()).isNotBlank();
		assertThat(events.get(0).data()).containsKeys("cpu", "memory", "network", "timestamp");
	}

	@Test
	void actuatorExposesHealthWithComponentsAndPrometheus() {
		http().get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.status").isEqualTo("UP")
			.jsonPath("$.components").exists();
		// Every response body is consumed: an unread body is a buffer the leak detector reports.
		http().get().uri("/api/alerts").exchange().expectStatus().isOk().expectBody(String.class);
		String scrape = http().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(scrape).contains("http_server_requests_seconds");
		http().get().uri("/actuator/metrics").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.names").isArray();
	}

	private List<?> activeAlerts() {
		return http().get().uri("/api/alerts").exchange().expectBody(List.class).returnResult().getResponseBody();
	}

	private List<?> history() {
		return http().get().uri("/api/metrics/history").exchange().expectBody(List.class).returnResult()
			.getResponseBody();
	}
}
