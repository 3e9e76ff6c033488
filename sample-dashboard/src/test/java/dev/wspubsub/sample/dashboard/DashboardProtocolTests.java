package dev.wspubsub.sample.dashboard;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.test.SseTestClient.Event;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dashboard.interval=200ms")
@Import(TestDashboardConfiguration.class)
class DashboardProtocolTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.shared();

	@LocalServerPort
	int port;

	@Autowired
	SettableMetrics metrics;

	@Autowired
	WsServer server;

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
			assertBareMetrics(client.awaitType("metrics_update", WAIT).get("data"));
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
			// The refusal is logged as a failed handler: expected here, so captured.
			try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "DashboardEndpoint.subscribe")) {
				client.sendJson(Map.of("type", "subscribe", "channel", "secrets"));
				assertThat(client.awaitType("error", WAIT).get("error").asString())
					.isEqualTo("Unknown channel: secrets");
				assertThat(log.lines()).hasSize(1);
			}
		}
	}

	@Test
	void historyHoldsAtMostTheLastHundredSamples() {
		await().atMost(WAIT).untilAsserted(() -> assertThat(history()).isNotEmpty());
		assertThat(history()).hasSizeLessThanOrEqualTo(MetricsHistory.SIZE);
	}

	/**
	 * The article's client ({@code useRealtimeDashboard}, see the README):
	 * {@code metrics = message.history}, {@code latest = history[history.length - 1]},
	 * {@code latest.cpu}; then {@code message.data} of each {@code metrics_update}
	 * appended.
	 */
	@Test
	void initialStateHistoryIsBareMetricsNewestLastAndLiveUpdatesFollowOnFromItsPosition() {
		StreamPosition before = awaitPublications(MetricsHistory.UPDATES, 3);
		try (WsTestClient client = connect()) {
			JsonNode initial = client.awaitType("initial_state", WAIT);
			List<JsonNode> history = new ArrayList<>();
			initial.get("history").forEach(history::add);
			assertThat(history).hasSizeBetween(3, MetricsHistory.SIZE);
			history.forEach(DashboardProtocolTests::assertBareMetrics);
			// Milliseconds: a sampler catching up after a stall may tick twice in one.
			for (int i = 1; i < history.size(); i++) {
				assertThat(history.get(i).get("timestamp").asLong()).as("oldest first, newest last")
					.isGreaterThanOrEqualTo(history.get(i - 1).get("timestamp").asLong());
			}
			JsonNode latest = history.get(history.size() - 1);
			assertThat(latest.get("cpu").isNumber()).isTrue();
			StreamPosition newest = StreamPosition.parse(initial.get("position").asString());
			assertThat(newest.epoch()).isEqualTo(before.epoch());
			assertThat(newest.offset()).as("the newest publication when the client opened")
				.isGreaterThanOrEqualTo(before.offset());
			JsonNode live = client.awaitType("metrics_update", WAIT);
			assertBareMetrics(live.get("data"));
			assertThat(live.get("epoch").asString()).isEqualTo(newest.epoch());
			assertThat(live.get("offset").asLong()).as("the first live update follows the history")
				.isEqualTo(newest.offset() + 1);
			assertThat(live.get("data").get("timestamp").asLong())
				.isGreaterThanOrEqualTo(latest.get("timestamp").asLong());
		}
	}

	/**
	 * The article's {@code GET /api/metrics/history}: an array of metrics, newest last.
	 */
	@Test
	void historyOverHttpIsBareMetricsNewestLastWithTheNewestPositionInAHeader() {
		StreamPosition before = awaitPublications(MetricsHistory.TOPIC, 3);
		EntityExchangeResult<JsonNode> result = http().get()
			.uri("/api/metrics/history")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult();
		List<JsonNode> history = new ArrayList<>();
		result.getResponseBody().forEach(history::add);
		assertThat(history).hasSizeBetween(3, MetricsHistory.SIZE);
		history.forEach(DashboardProtocolTests::assertBareMetrics);
		for (int i = 1; i < history.size(); i++) {
			assertThat(history.get(i).get("timestamp").asLong())
				.isGreaterThanOrEqualTo(history.get(i - 1).get("timestamp").asLong());
		}
		StreamPosition newest = StreamPosition
			.parse(result.getResponseHeaders().getFirst(DashboardController.POSITION));
		assertThat(newest.epoch()).isEqualTo(before.epoch());
		assertThat(newest.offset()).isGreaterThanOrEqualTo(before.offset());
	}

	/** What the article's client reads from a sample: the metrics themselves. */
	private static void assertBareMetrics(JsonNode metrics) {
		for (String field : List.of("cpu", "memory", "disk", "requests", "errors", "latencyP50", "latencyP95",
				"latencyP99", "timestamp")) {
			assertThat(metrics.get(field)).as(field).isNotNull();
			assertThat(metrics.get(field).isNumber()).as(field).isTrue();
		}
		assertThat(metrics.get("network").get("in").isNumber()).isTrue();
		assertThat(metrics.get("network").get("out").isNumber()).isTrue();
		assertThat(metrics.has("type")).as("no envelope").isFalse();
		assertThat(metrics.has("data")).as("no envelope").isFalse();
	}

	/** The article's SSE stream: each event's data is the metrics JSON. */
	@Test
	void serverSentEventsStreamBareMetricsWithPositionsAsIds() {
		try (SseTestClient sse = SseTestClient.connect(uri("/events/metrics"), WAIT)) {
			assertThat(sse.response().statusCode()).isEqualTo(200);
			Event first = sse.awaitEvent(WAIT);
			Event second = sse.awaitEvent(WAIT);
			StreamPosition position = StreamPosition.parse(first.id());
			assertThat(StreamPosition.parse(second.id()))
				.isEqualTo(new StreamPosition(position.epoch(), position.offset() + 1));
			JsonNode metrics = JSON.readTree(first.data());
			assertBareMetrics(metrics);
			assertThat(metrics.has("epoch")).as("the position is the id, not in the data").isFalse();
			assertThat(JSON.readTree(second.data()).get("timestamp").asLong())
				.isGreaterThanOrEqualTo(metrics.get("timestamp").asLong());
		}
	}

	@Test
	void serverSentEventsResumeAfterAReconnectWithLastEventIdWithEveryUpdateMissedMeanwhile() {
		String lastId;
		long lastTimestamp;
		try (SseTestClient sse = SseTestClient.connect(uri("/events/metrics"), WAIT)) {
			sse.awaitEvent(WAIT);
			Event last = sse.awaitEvent(WAIT);
			lastId = last.id();
			lastTimestamp = JSON.readTree(last.data()).get("timestamp").asLong();
		}
		StreamPosition last = StreamPosition.parse(lastId);
		awaitPublications(MetricsHistory.TOPIC, last.offset() + 3); // missed while away
		try (SseTestClient sse = SseTestClient.connect(uri("/events/metrics"), WAIT, Map.of("Last-Event-ID", lastId))) {
			for (long offset = last.offset() + 1; offset <= last.offset() + 5; offset++) {
				Event event = sse.awaitEvent(WAIT);
				assertThat(event.id()).isEqualTo(new StreamPosition(last.epoch(), offset).toString());
				JsonNode metrics = JSON.readTree(event.data());
				assertBareMetrics(metrics);
				assertThat(metrics.get("timestamp").asLong()).isGreaterThanOrEqualTo(lastTimestamp);
				lastTimestamp = metrics.get("timestamp").asLong();
			}
		}
	}

	@Test
	void serverSentEventsBeginWithAResetWhenWhatWasMissedIsGone() {
		StreamPosition current = awaitPublications(MetricsHistory.TOPIC, 1);
		try (SseTestClient sse = SseTestClient.connect(uri("/events/metrics"), WAIT,
				Map.of("Last-Event-ID", "gone:1"))) {
			Event reset = sse.awaitEvent(WAIT);
			assertThat(reset.event()).isEqualTo("reset");
			StreamPosition from = StreamPosition.parse(reset.data());
			assertThat(from.epoch()).isEqualTo(current.epoch());
			assertThat(from.offset()).isGreaterThanOrEqualTo(current.offset());
			assertThat(sse.awaitEvent(WAIT).id())
				.isEqualTo(new StreamPosition(from.epoch(), from.offset() + 1).toString());
		}
	}

	/**
	 * Waits until {@code topic} has had at least {@code offset} publications; answers its
	 * position.
	 */
	private StreamPosition awaitPublications(String topic, long offset) {
		return await().atMost(WAIT)
			.until(() -> this.server.position(topic).block(WAIT),
					(position) -> position != null && position.offset() >= offset);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	@Test
	void actuatorExposesHealthWithComponentsAndPrometheus() {
		http().get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components")
			.exists();
		// Every response body is consumed: an unread body is a buffer the leak detector
		// reports.
		http().get().uri("/api/alerts").exchange().expectStatus().isOk().expectBody(String.class);
		String scrape = http().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(scrape).contains("http_server_requests_seconds");
		http().get()
			.uri("/actuator/metrics")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.names")
			.isArray();
	}

	@Test
	void theWsPubSubEndpointWhichNamesEachClientsAddressAndTopicsIsNotExposed() {
		http().get().uri("/actuator/wspubsub").exchange().expectStatus().isNotFound().expectBody(String.class);
		http().get().uri("/actuator").exchange().expectBody(String.class).value((links) -> {
			assertThat(links).contains("/actuator/health").doesNotContain("wspubsub");
		});
	}

	private List<?> activeAlerts() {
		return http().get().uri("/api/alerts").exchange().expectBody(List.class).returnResult().getResponseBody();
	}

	private List<?> history() {
		return http().get()
			.uri("/api/metrics/history")
			.exchange()
			.expectBody(List.class)
			.returnResult()
			.getResponseBody();
	}

}
