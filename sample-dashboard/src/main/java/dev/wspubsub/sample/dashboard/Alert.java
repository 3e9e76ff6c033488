package dev.wspubsub.sample.dashboard;

/**
 * A metric over one of its thresholds: {@code type} is {@code warning} or
 * {@code critical}.
 */
public record Alert(String id, String type, String metric, double value, double threshold, String message,
		long timestamp) {
}
