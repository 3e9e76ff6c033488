package dev.wspubsub.sample.dashboard;

import java.util.List;

/** The dashboard's wire protocol. */
final class Messages {

	record InitialState(String type, List<Metrics> history, List<Alert> alerts) {
		InitialState(List<Metrics> history, List<Alert> alerts) {
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
