package dev.wspubsub.sample.dashboard;

import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * History and active alerts over HTTP. The SSE stream, {@code /events/metrics}, is
 * ws-pubsub's bridge (ws-pubsub.sse in application.yml).
 */
@RestController
class DashboardController {

	/** Header of the newest sample's position in the history response. */
	static final String POSITION = "X-Stream-Position";

	private final MetricsHistory history;

	private final AlertEngine alerts;

	DashboardController(MetricsHistory history, AlertEngine alerts) {
		this.history = history;
		this.alerts = alerts;
	}

	/**
	 * The newest samples as the article's client reads them (see the README), an array of
	 * bare metrics (oldest first); the newest one's position is in the {@value #POSITION}
	 * header, for an SSE client to stream on from right after it.
	 */
	@GetMapping("/api/metrics/history")
	Mono<ResponseEntity<List<JsonNode>>> history() {
		return this.history.latest().map((latest) -> {
			ResponseEntity.BodyBuilder response = ResponseEntity.ok();
			if (latest.position() != null) {
				response.header(POSITION, latest.position());
			}
			return response.body(latest.metrics());
		});
	}

	@GetMapping("/api/alerts")
	List<Alert> alerts() {
		return this.alerts.active();
	}

}
