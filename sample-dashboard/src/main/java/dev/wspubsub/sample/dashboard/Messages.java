package dev.wspubsub.sample.dashboard;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The dashboard's wire protocol. */
final class Messages {

	/**
	 * {@code history}: the newest samples, bare metrics, oldest first; {@code position}:
	 * the newest one's position, {@code <epoch>:<offset>} (null when the history could
	 * not be read), the live updates following on from it.
	 */
	record InitialState(String type, List<JsonNode> history, @Nullable String position, List<Alert> alerts) {
		InitialState(List<JsonNode> history, @Nullable String position, List<Alert> alerts) {
			this("initial_state", history, position, alerts);
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
