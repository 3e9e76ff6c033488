package dev.wspubsub.sample.dashboard;

import java.util.List;

import tools.jackson.databind.JsonNode;

/** The dashboard's wire protocol. */
final class Messages {

	/** {@code history}: the newest {@code metrics_update} messages, as they went out. */
	record InitialState(String type, List<JsonNode> history, List<Alert> alerts) {
		InitialState(List<JsonNode> history, List<Alert> alerts) {
			this("initial_state", history, alerts);
		}
	}

	record MetricsUpdate(String type, Metrics data) {
		MetricsUpdate(Metrics data) {
			this("metrics_update", data);
		}
	}

	record AlertUpdate(String type, Alert data) {
		AlertUpdate(Alert data) {
			this("alert", data);
		}
	}

	record Channel(String channel) {
	}

	record Subscribed(String type, String channel) {
	}

	private Messages() {
	}

}
