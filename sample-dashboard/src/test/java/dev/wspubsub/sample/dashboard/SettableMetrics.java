package dev.wspubsub.sample.dashboard;

import java.util.concurrent.atomic.AtomicReference;

/** A metrics source the tests drive: every sample reports the CPU value last set. */
class SettableMetrics implements MetricsSource {

	private final AtomicReference<Double> cpu = new AtomicReference<>(20.0);

	void cpu(double value) {
		this.cpu.set(value);
	}

	@Override
	public Metrics sample() {
		return new Metrics(this.cpu.get(), 40, 30, new Metrics.Network(1000, 2000), 5, 0, 3, 8, 12,
				System.currentTimeMillis());
	}

}
