package dev.wspubsub.sample.dashboard;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.WsServer;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.WsTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request latency percentiles are those of requests that answer: a stream held open
 * for a while (SSE, a WebSocket) is not one slow request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dashboard.interval=200ms")
@Import(TestDashboardConfiguration.class)
class RequestLatencyTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** Longer than any plain request here takes, far below the streams' lifetimes. */
	private static final double PLAIN_REQUEST_MS = 500;

	private static final long STREAM_MS = 1500;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry registry;

	@Autowired
	WsServer server;

	@Test
	void streamsAndUpgradesStayOutOfTheLatencyPercentiles() throws Exception {
		SystemMetricsSource source = new SystemMetricsSource(this.registry);
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(WAIT)
			.build();
		http.get().uri("/api/alerts").exchange().expectStatus().isOk().expectBody(String.class);
		try (SseTestClient sse = SseTestClient.connect(URI.create("http://localhost:" + this.port + "/events/metrics"),
				WAIT); WsTestClient ws = WsTestClient.connect(URI.create("ws://localhost:" + this.port + "/ws"))) {
			sse.awaitEvent(WAIT);
			ws.awaitType("initial_state", WAIT);
			Thread.sleep(STREAM_MS); // the streams' lifetime is what is measured
		}
		// A stream's request would be recorded when it ends: once the server has let both
		// go,
		// and a later request has been recorded.
		await().atMost(WAIT)
			.until(() -> this.server.connections() == 0 && this.server.subscriberCount(MetricsHistory.TOPIC) == 0);
		http.get().uri("/api/alerts").exchange().expectStatus().isOk().expectBody(String.class);
		await().atMost(WAIT).until(() -> requests("/api/alerts") == 2);
		assertThat(this.registry.find("http.server.requests").timers())
			.noneMatch((timer) -> timer.max(TimeUnit.MILLISECONDS) >= STREAM_MS);
		Metrics metrics = source.sample();
		assertThat(metrics.latencyP99()).as("p99 without the streams").isPositive().isLessThan(PLAIN_REQUEST_MS);
		assertThat(metrics.latencyP95()).isLessThan(PLAIN_REQUEST_MS);
		assertThat(metrics.latencyP50()).isLessThan(PLAIN_REQUEST_MS);
	}

	private long requests(String uri) {
		return this.registry.find("http.server.requests")
			.tag("uri", uri)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

}
