package dev.wspubsub.sample.dashboard;

import java.util.List;

import dev.wspubsub.Publication;
import dev.wspubsub.WsServer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The newest samples, read from the topics' own histories (the rules in application.yml
 * keep {@value #SIZE} of each). Two topics carry every sample, one shape each, because a
 * topic's message goes out the same to every subscriber and the article's client (see the
 * README) reads two shapes: {@value #TOPIC} carries the bare metrics (the SSE stream and
 * {@code /api/metrics/history}), {@value #UPDATES} the {@code metrics_update} messages
 * the WebSocket clients get, stamped with their position.
 */
@Component
class MetricsHistory {

	/** Bare metrics: each SSE event's data, with its position as the event id. */
	static final String TOPIC = "metrics";

	/** {@code metrics_update} messages for the WebSocket clients. */
	static final String UPDATES = "metrics.updates";

	static final int SIZE = 100;

	private final WsServer server;

	private final JsonMapper json;

	MetricsHistory(WsServer server, JsonMapper json) {
		this.server = server;
		this.json = json;
	}

	/** The newest samples, bare metrics, oldest first, and the newest one's position. */
	Mono<Latest> latest() {
		return this.server.history(TOPIC, SIZE)
			.map((publications) -> new Latest(read(publications),
					publications.isEmpty() ? null : publications.get(publications.size() - 1).position().toString()))
			.defaultIfEmpty(new Latest(List.of(), null));
	}

	private List<JsonNode> read(List<Publication> publications) {
		return publications.stream().map((publication) -> this.json.readTree(publication.asText())).toList();
	}

	/**
	 * Samples and where the newest sits.
	 *
	 * @param metrics bare metrics, oldest first
	 * @param position the newest one's position, {@code <epoch>:<offset>}; null when
	 * empty
	 */
	record Latest(List<JsonNode> metrics, @Nullable String position) {
	}

	/** The bare metrics of {@code metrics_update} publications, oldest first. */
	List<JsonNode> metricsOf(List<Publication> updates) {
		return read(updates).stream().map((update) -> update.get("data")).toList();
	}

}
