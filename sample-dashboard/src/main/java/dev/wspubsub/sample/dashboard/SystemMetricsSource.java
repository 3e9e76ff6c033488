package dev.wspubsub.sample.dashboard;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import org.springframework.stereotype.Component;

/**
 * Real metrics: CPU and memory of the machine, disk use of /, network bytes from
 * /proc/net/dev, and the rate, errors and latency percentiles of this application's own
 * HTTP requests as Micrometer records them ({@code http.server.requests}). Rates are the
 * difference between two samples.
 */
@Component
class SystemMetricsSource implements MetricsSource {

	private final MeterRegistry registry;

	private long[] lastCpu = ProcReader.cpuTicks();

	private long[] lastNetwork = ProcReader.networkBytes();

	private double lastRequests;

	private double lastErrors;

	private long lastNanos = System.nanoTime();

	SystemMetricsSource(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public synchronized Metrics sample() {
		long now = System.nanoTime();
		double seconds = Math.max(1e-3, (now - this.lastNanos) / 1e9);
		this.lastNanos = now;
		Collection<Timer> requests = this.registry.find("http.server.requests").timers();
		double requestCount = requests.stream().mapToDouble(Timer::count).sum();
		double errorCount = requests.stream()
			.filter((timer) -> String.valueOf(timer.getId().getTag("status")).startsWith("5"))
			.mapToDouble(Timer::count)
			.sum();
		double requestRate = Math.max(0, requestCount - this.lastRequests) / seconds;
		double errorRate = Math.max(0, errorCount - this.lastErrors) / seconds;
		this.lastRequests = requestCount;
		this.lastErrors = errorCount;
		long[] network = ProcReader.networkBytes();
		double in = 0;
		double out = 0;
		if (network != null && this.lastNetwork != null) {
			in = Math.max(0, network[0] - this.lastNetwork[0]) / seconds;
			out = Math.max(0, network[1] - this.lastNetwork[1]) / seconds;
		}
		this.lastNetwork = network;
		return new Metrics(round(cpu()), round(memory()), round(disk()), new Metrics.Network(round(in), round(out)),
				round(requestRate), round(errorRate), round(percentile(requests, 0.5)),
				round(percentile(requests, 0.95)), round(percentile(requests, 0.99)), System.currentTimeMillis());
	}

	private double cpu() {
		long[] ticks = ProcReader.cpuTicks();
		if (ticks != null && this.lastCpu != null && ticks[1] > this.lastCpu[1]) {
			double busy = ticks[0] - this.lastCpu[0];
			double total = ticks[1] - this.lastCpu[1];
			this.lastCpu = ticks;
			return 100.0 * busy / total;
		}
		this.lastCpu = ticks;
		if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
			return Math.max(0, os.getCpuLoad() * 100);
		}
		return 0;
	}

	private static double memory() {
		double fromProc = ProcReader.memoryUsedPercent();
		if (!Double.isNaN(fromProc)) {
			return fromProc;
		}
		if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
			long total = os.getTotalMemorySize();
			return (total > 0) ? 100.0 * (total - os.getFreeMemorySize()) / total : 0;
		}
		return 0;
	}

	private static double disk() {
		File root = new File("/");
		long total = root.getTotalSpace();
		return (total > 0) ? 100.0 * (total - root.getUsableSpace()) / total : 0;
	}

	/** The highest value of this percentile over the request timers, in milliseconds. */
	private static double percentile(Collection<Timer> timers, double percentile) {
		double worst = 0;
		for (Timer timer : timers) {
			for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
				if (Math.abs(value.percentile() - percentile) < 1e-9) {
					worst = Math.max(worst, value.value(TimeUnit.MILLISECONDS));
				}
			}
		}
		return worst;
	}

	private static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
