package dev.wspubsub.sample.dashboard;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** History, active alerts, and the SSE stream for clients that cannot use WebSocket. */
@RestController
class DashboardController {

	private final MetricsHistory history;

	private final AlertEngine alerts;

	private final DashboardProperties properties;

	DashboardController(MetricsHistory history, AlertEngine alerts, DashboardProperties properties) {
		this.history = history;
		this.alerts = alerts;
		this.properties = properties;
	}

	@GetMapping("/api/metrics/history")
	List<Metrics> history() {
		return this.history.all();
	}

	@GetMapping("/api/alerts")
	List<Alert> alerts() {
		return this.alerts.active();
	}

	@GetMapping(path = "/events/metrics", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<Metrics>> events() {
		return Flux.interval(this.properties.interval())
			.onBackpressureDrop()
			.flatMapIterable((tick) -> this.history.latest().stream().toList())
			.map((metrics) -> ServerSentEvent.builder(metrics)
				.id(Long.toString(metrics.timestamp()))
				.event("metrics")
				.retry(java.time.Duration.ofSeconds(3))
				.build());
	}
}
