package dev.wspubsub.sample.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.springframework.stereotype.Component;

/**
 * Compares each sample with the thresholds. An alert is raised when a metric reaches its
 * warning or critical level, reported again only when its severity changes, and cleared
 * when the metric is back under the warning level.
 */
@Component
class AlertEngine {

	private final Map<String, Rule> rules = new LinkedHashMap<>();

	private final Map<String, Alert> active = new LinkedHashMap<>();

	AlertEngine(DashboardProperties properties) {
		this.rules.put("cpu", new Rule(properties.cpu(), Metrics::cpu, "%"));
		this.rules.put("memory", new Rule(properties.memory(), Metrics::memory, "%"));
		this.rules.put("latencyP99", new Rule(properties.latencyP99(), Metrics::latencyP99, " ms"));
		this.rules.put("errors", new Rule(properties.errors(), Metrics::errors, "/s"));
	}

	/**
	 * @return the alerts that are new or changed severity with this sample
	 */
	synchronized List<Alert> evaluate(Metrics metrics) {
		List<Alert> changed = new ArrayList<>();
		this.rules.forEach((metric, rule) -> {
			double value = rule.value().applyAsDouble(metrics);
			String severity = (value >= rule.threshold().critical()) ? "critical"
					: (value >= rule.threshold().warning()) ? "warning" : null;
			Alert current = this.active.get(metric);
			if (severity == null) {
				this.active.remove(metric);
				return;
			}
			if (current != null && current.type().equals(severity)) {
				return;
			}
			double threshold = severity.equals("critical") ? rule.threshold().critical() : rule.threshold().warning();
			String id = (current != null) ? current.id() : metric + "-" + metrics.timestamp();
			Alert alert = new Alert(id, severity, metric, value, threshold,
					String.format("%s is %.1f%s (%s threshold %.0f%s)", metric, value, rule.unit(), severity, threshold,
							rule.unit()),
					metrics.timestamp());
			this.active.put(metric, alert);
			changed.add(alert);
		});
		return changed;
	}

	synchronized List<Alert> active() {
		return List.copyOf(this.active.values());
	}

	private record Rule(DashboardProperties.Threshold threshold, ToDoubleFunction<Metrics> value, String unit) {
	}

}
