package dev.wspubsub.sample.dashboard;

import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * History and active alerts over HTTP. The SSE stream, {@code /events/metrics}, is
 * ws-pubsub's bridge (ws-pubsub.sse in application.yml).
 */
@RestController
class DashboardController {

	private final MetricsHistory history;

	private final AlertEngine alerts;

	DashboardController(MetricsHistory history, AlertEngine alerts) {
		this.history = history;
		this.alerts = alerts;
	}

	@GetMapping("/api/metrics/history")
	Mono<List<JsonNode>> history() {
		return this.history.latest();
	}

	@GetMapping("/api/alerts")
	List<Alert> alerts() {
		return this.alerts.active();
	}

}
