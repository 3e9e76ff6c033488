package dev.wspubsub.sample.dashboard;

import dev.wspubsub.WsServer;
import dev.wspubsub.annotation.Topic;
import reactor.core.publisher.Flux;

import org.springframework.stereotype.Component;

/**
 * Samples the metrics every interval: each sample goes to {@code metrics.updates} as a
 * {@code metrics_update} message, and ws-pubsub publishes it bare to {@code metrics} (see
 * {@link MetricsHistory}); alerts that are new or changed go to {@code alerts}.
 */
@Component
class MetricsFeed {

	private final MetricsSource source;

	private final AlertEngine alerts;

	private final WsServer server;

	private final DashboardProperties properties;

	MetricsFeed(MetricsSource source, AlertEngine alerts, WsServer server, DashboardProperties properties) {
		this.source = source;
		this.alerts = alerts;
		this.server = server;
		this.properties = properties;
	}

	@Topic(MetricsHistory.TOPIC)
	Flux<Metrics> metrics() {
		return Flux.interval(this.properties.interval()).onBackpressureDrop().map((tick) -> {
			Metrics metrics = this.source.sample();
			this.alerts.evaluate(metrics)
				.forEach((alert) -> this.server.publish("alerts", new Messages.AlertUpdate(alert)));
			this.server.publish(MetricsHistory.UPDATES, new Messages.MetricsUpdate(metrics));
			return metrics;
		});
	}

}
