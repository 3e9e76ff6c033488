package dev.wspubsub.sample.dashboard;

import java.util.List;

import dev.wspubsub.Publication;
import dev.wspubsub.WsServer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The newest samples, read from the {@code metrics} topic's own history (the rule in
 * application.yml keeps {@value #SIZE}): each is the {@code metrics_update} message as
 * subscribers got it, with its {@code epoch} and {@code offset}.
 */
@Component
class MetricsHistory {

	static final String TOPIC = "metrics";

	static final int SIZE = 100;

	private final WsServer server;

	private final JsonMapper json;

	MetricsHistory(WsServer server, JsonMapper json) {
		this.server = server;
		this.json = json;
	}

	/** The newest samples, oldest first. */
	Mono<List<JsonNode>> latest() {
		return this.server.history(TOPIC, SIZE).map(this::messages).defaultIfEmpty(List.of());
	}

	List<JsonNode> messages(List<Publication> publications) {
		return publications.stream().map((publication) -> this.json.readTree(publication.asText())).toList();
	}

}
