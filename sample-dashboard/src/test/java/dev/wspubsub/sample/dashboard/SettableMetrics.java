package dev.wspubsub.sample.dashboard;

import java.util.concurrent.atomic.AtomicReference;

/** A metrics source the tests drive: every sample reports the CPU value last set. */
class SettableMetrics implements MetricsSource {

	private final AtomicReference<Double> cpu = new AtomicReference<>(20.0);

	private final AtomicReference<double[]> latency = new AtomicReference<>(new double[] { 3, 8, 12 });

	void cpu(double value) {
		this.cpu.set(value);
	}

	/** Request latency percentiles in milliseconds. */
	void latency(double p50, double p95, double p99) {
		this.latency.set(new double[] { p50, p95, p99 });
	}

	@Override
	public Metrics sample() {
		double[] latency = this.latency.get();
		return new Metrics(this.cpu.get(), 40, 30, new Metrics.Network(1000, 2000), 5, 0, latency[0], latency[1],
				latency[2], System.currentTimeMillis());
	}

}
