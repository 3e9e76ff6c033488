package dev.wspubsub.bench.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The counted part of a chat run: per-second samples, and the deliveries and CPU times
 * (server, this client and, when given, a Redis server's) between its two ends; given the
 * address of the server's counters ({@code /bench/counters} of the ws-pubsub chat
 * server), the heap bytes its threads allocated in between and the messages it received.
 */
final class Window {

	private final long[] samples;

	/** A second process the server's work runs in (a redis-server), or 0. */
	private final long redisPid;

	/** The server's counters, or {@code null}: not every server has them. */
	private final @Nullable URI counters;

	private @Nullable HttpClient http;

	private int count;

	private long startTotal;

	private long startNanos;

	private ProcStat.Cpu startServer = ProcStat.Cpu.NONE;

	private long startClientTicks;

	private long startRedisTicks;

	private long @Nullable [] startCounters;

	private long allocated = -1;

	private long received = -1;

	private long delivered;

	private long nanos;

	private ProcStat.Cpu server = ProcStat.Cpu.NONE;

	private long clientTicks;

	private long redisTicks;

	Window(int seconds, long redisPid) {
		this(seconds, redisPid, null);
	}

	Window(int seconds, long redisPid, @Nullable URI counters) {
		this.samples = new long[seconds];
		this.redisPid = redisPid;
		this.counters = counters;
	}

	int seconds() {
		return this.samples.length;
	}

	void begin(long total, long serverPid) {
		this.startTotal = total;
		this.startNanos = System.nanoTime();
		this.startServer = (serverPid > 0) ? ProcStat.cpu(serverPid) : ProcStat.Cpu.NONE;
		this.startClientTicks = ProcStat.cpuTicks(ProcessHandle.current().pid());
		this.startRedisTicks = (this.redisPid > 0) ? ProcStat.cpuTicks(this.redisPid) : 0;
		this.startCounters = readCounters();
	}

	void sample(long messages) {
		this.samples[this.count++] = messages;
	}

	void end(long total, long serverPid) {
		this.delivered = total - this.startTotal;
		this.nanos = System.nanoTime() - this.startNanos;
		this.server = (serverPid > 0) ? ProcStat.cpu(serverPid).since(this.startServer) : ProcStat.Cpu.NONE;
		this.clientTicks = ProcStat.cpuTicks(ProcessHandle.current().pid()) - this.startClientTicks;
		this.redisTicks = (this.redisPid > 0) ? ProcStat.cpuTicks(this.redisPid) - this.startRedisTicks : 0;
		long[] start = this.startCounters;
		long[] now = readCounters();
		if (start != null && now != null) {
			this.allocated = now[0] - start[0];
			this.received = now[1] - start[1];
		}
	}

	/**
	 * The server's allocated bytes and received messages so far, or {@code null} without
	 * counters.
	 */
	private long @Nullable [] readCounters() {
		URI uri = this.counters;
		if (uri == null) {
			return null;
		}
		if (this.http == null) {
			this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		}
		String body;
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(uri + " answered " + response.statusCode());
			}
			body = response.body().trim();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the server's counters from " + uri, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted reading " + uri, ex);
		}
		long[] values = { -1, -1 };
		for (String pair : body.split(" ")) {
			if (pair.startsWith("allocated_bytes=")) {
				values[0] = Long.parseLong(pair.substring("allocated_bytes=".length()));
			}
			else if (pair.startsWith("received=")) {
				values[1] = Long.parseLong(pair.substring("received=".length()));
			}
		}
		if (values[0] < 0 || values[1] < 0) {
			throw new IllegalStateException(uri + " answered '" + body + "'");
		}
		return values;
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

	/**
	 * Prints the one line the scripts parse: space-separated {@code key=value} pairs.
	 * {@code roomSize}: how many clients each message is delivered to (all of them in one
	 * room).
	 */
	void print(String label, int clients, int roomSize, long rounds, long serverPid, long clockTicks) {
		double seconds = this.nanos / 1e9;
		double serverCpu = (double) this.server.total() / clockTicks;
		double clientCpu = (double) this.clientTicks / clockTicks;
		double perMillion = (this.delivered > 0) ? serverCpu / (this.delivered / 1e6) : 0;
		double systemPerMillion = (this.delivered > 0)
				? (double) this.server.system() / clockTicks / (this.delivered / 1e6) : 0;
		double redisCpu = (double) this.redisTicks / clockTicks;
		double redisPerMillion = (this.delivered > 0) ? redisCpu / (this.delivered / 1e6) : 0;
		long idle = Arrays.stream(this.samples, 0, this.count).filter((s) -> s == 0).count();
		// Counted by the server; each is delivered to the members of its room
		boolean counted = this.allocated >= 0 && this.received > 0;
		System.out.printf(Locale.ROOT,
				"RESULT server=%s clients=%d median_msgs_per_s=%d mean_msgs_per_s=%.0f delivered=%d seconds=%.2f "
						+ "rounds=%d server_cpu_s=%s server_cpu_pct=%s cpu_s_per_million=%s system_cpu_s_per_million=%s client_cpu_s=%.2f "
						+ "idle_seconds=%d redis_cpu_s=%s redis_cpu_s_per_million=%s server_alloc_mb=%s "
						+ "server_received=%s alloc_bytes_per_inbound=%s alloc_bytes_per_delivered=%s%n",
				label, clients, median(), this.delivered / seconds, this.delivered, seconds, rounds,
				(serverPid > 0) ? String.format(Locale.ROOT, "%.2f", serverCpu) : "NA",
				(serverPid > 0) ? String.format(Locale.ROOT, "%.1f", 100 * serverCpu / seconds) : "NA",
				(serverPid > 0) ? String.format(Locale.ROOT, "%.4f", perMillion) : "NA",
				(serverPid > 0) ? String.format(Locale.ROOT, "%.4f", systemPerMillion) : "NA", clientCpu, idle,
				(this.redisPid > 0) ? String.format(Locale.ROOT, "%.2f", redisCpu) : "NA",
				(this.redisPid > 0) ? String.format(Locale.ROOT, "%.4f", redisPerMillion) : "NA",
				counted ? String.format(Locale.ROOT, "%.1f", this.allocated / 1e6) : "NA",
				counted ? Long.toString(this.received) : "NA",
				counted ? String.format(Locale.ROOT, "%.1f", (double) this.allocated / this.received) : "NA",
				counted ? String.format(Locale.ROOT, "%.2f",
						(double) this.allocated / ((double) this.received * roomSize)) : "NA");
	}

}
