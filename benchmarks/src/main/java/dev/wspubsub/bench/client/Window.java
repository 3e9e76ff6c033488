package dev.wspubsub.bench.client;

import java.util.Arrays;
import java.util.Locale;

/**
 * The counted part of a chat run: per-second samples, and the deliveries and CPU times
 * (server, this client and, when given, a Redis server's) between its two ends.
 */
final class Window {

	private final long[] samples;

	/** A second process the server's work runs in (a redis-server), or 0. */
	private final long redisPid;

	private int count;

	private long startTotal;

	private long startNanos;

	private long startServerTicks;

	private long startClientTicks;

	private long startRedisTicks;

	private long delivered;

	private long nanos;

	private long serverTicks;

	private long clientTicks;

	private long redisTicks;

	Window(int seconds, long redisPid) {
		this.samples = new long[seconds];
		this.redisPid = redisPid;
	}

	int seconds() {
		return this.samples.length;
	}

	void begin(long total, long serverPid) {
		this.startTotal = total;
		this.startNanos = System.nanoTime();
		this.startServerTicks = (serverPid > 0) ? ProcStat.cpuTicks(serverPid) : 0;
		this.startClientTicks = ProcStat.cpuTicks(ProcessHandle.current().pid());
		this.startRedisTicks = (this.redisPid > 0) ? ProcStat.cpuTicks(this.redisPid) : 0;
	}

	void sample(long messages) {
		this.samples[this.count++] = messages;
	}

	void end(long total, long serverPid) {
		this.delivered = total - this.startTotal;
		this.nanos = System.nanoTime() - this.startNanos;
		this.serverTicks = (serverPid > 0) ? ProcStat.cpuTicks(serverPid) - this.startServerTicks : 0;
		this.clientTicks = ProcStat.cpuTicks(ProcessHandle.current().pid()) - this.startClientTicks;
		this.redisTicks = (this.redisPid > 0) ? ProcStat.cpuTicks(this.redisPid) - this.startRedisTicks : 0;
	}

	long median() {
		long[] sorted = Arrays.copyOf(this.samples, this.count);
		Arrays.sort(sorted);
		if (sorted.length == 0) {
			return 0;
		}
		int mid = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

	/** Prints the one line the scripts parse: space-separated {@code key=value} pairs. */
	void print(String label, int clients, long rounds, long serverPid, long clockTicks) {
		double seconds = this.nanos / 1e9;
		double serverCpu = (double) this.serverTicks / clockTicks;
		double clientCpu = (double) this.clientTicks / clockTicks;
		double perMillion = (this.delivered > 0) ? serverCpu / (this.delivered / 1e6) : 0;
		double redisCpu = (double) this.redisTicks / clockTicks;
		double redisPerMillion = (this.delivered > 0) ? redisCpu / (this.delivered / 1e6) : 0;
		long idle = Arrays.stream(this.samples, 0, this.count).filter((s) -> s == 0).count();
		System.out.printf(Locale.ROOT,
				"RESULT server=%s clients=%d median_msgs_per_s=%d mean_msgs_per_s=%.0f delivered=%d seconds=%.2f "
						+ "rounds=%d server_cpu_s=%s server_cpu_pct=%s cpu_s_per_million=%s client_cpu_s=%.2f "
						+ "idle_seconds=%d redis_cpu_s=%s redis_cpu_s_per_million=%s%n",
				label, clients, median(), this.delivered / seconds, this.delivered, seconds, rounds,
				(serverPid > 0) ? String.format(Locale.ROOT, "%.2f", serverCpu) : "NA",
				(serverPid > 0) ? String.format(Locale.ROOT, "%.1f", 100 * serverCpu / seconds) : "NA",
				(serverPid > 0) ? String.format(Locale.ROOT, "%.4f", perMillion) : "NA", clientCpu, idle,
				(this.redisPid > 0) ? String.format(Locale.ROOT, "%.2f", redisCpu) : "NA",
				(this.redisPid > 0) ? String.format(Locale.ROOT, "%.4f", redisPerMillion) : "NA");
	}

}
