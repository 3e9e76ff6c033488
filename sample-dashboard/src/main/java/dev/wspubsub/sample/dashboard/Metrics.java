package dev.wspubsub.sample.dashboard;

/**
 * One sample of the node's health. Percentages are 0-100, network in bytes per second,
 * requests and errors per second, latencies in milliseconds, timestamp in epoch millis.
 */
public record Metrics(double cpu, double memory, double disk, Network network, double requests, double errors,
		double latencyP50, double latencyP95, double latencyP99, long timestamp) {

	/** Bytes per second received and sent. */
	public record Network(double in, double out) {
	}
}
