package dev.wspubsub.sample.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the dashboard under {@code dashboard.*}.
 *
 * @param interval how often metrics are sampled and published
 * @param cpu CPU use thresholds in percent
 * @param memory memory use thresholds in percent
 * @param latencyP99 p99 latency thresholds in milliseconds
 * @param errors error rate thresholds per second
 */
@ConfigurationProperties("dashboard")
public record DashboardProperties(Duration interval, Threshold cpu, Threshold memory, Threshold latencyP99,
		Threshold errors) {

	public DashboardProperties {
		interval = (interval != null) ? interval : Duration.ofSeconds(1);
		cpu = (cpu != null) ? cpu : new Threshold(70, 90);
		memory = (memory != null) ? memory : new Threshold(80, 95);
		latencyP99 = (latencyP99 != null) ? latencyP99 : new Threshold(500, 1000);
		errors = (errors != null) ? errors : new Threshold(10, 50);
	}

	/** A warning and a critical level; a value at or above a level raises it. */
	public record Threshold(double warning, double critical) {
	}
}
