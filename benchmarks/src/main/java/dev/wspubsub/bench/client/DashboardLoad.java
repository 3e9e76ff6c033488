package dev.wspubsub.bench.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.Channel;
import org.HdrHistogram.Histogram;

/**
 * Load on {@code sample-dashboard}: N clients on its {@code /ws}, each subscribed by the
 * server to {@code metrics}, which the server publishes once per
 * {@code dashboard.interval}. After every client has its {@code initial_state} and a
 * warm-up, a window of {@code --duration} seconds is counted, placed half an interval
 * away from the ticks so that it holds exactly {@code --duration} of them: for each
 * {@code metrics_update} sampled in the window, the lag from {@code data.timestamp} to
 * its arrival, and whether all N × duration arrived (waiting {@code --grace} seconds for
 * late ones). Given {@code --server-pid}, the server's CPU time over the window is read
 * from {@code /proc}. Prints one {@code RESULT} line.
 *
 * <pre>
 * java -cp benchmarks-jmh.jar dev.wspubsub.bench.client.DashboardLoad --port 8081 --clients 1000 \
 *     --warmup 10 --duration 30 --server-pid 1234 --clk-tck 100
 * </pre>
 */
public final class DashboardLoad {

	private static final int IN_FLIGHT = 200;

	private static final long INTERVAL_MILLIS = 1000;

	private DashboardLoad() {
	}

	public static void main(String[] argv) throws Exception {
		Args args = new Args(argv);
		int clients = args.getInt("clients", 1000);
		int warmup = args.getInt("warmup", 10);
		int duration = args.getInt("duration", 30);
		int grace = args.getInt("grace", 5);
		long serverPid = args.getLong("server-pid", 0);
		long clockTicks = args.getLong("clk-tck", 100);

		CountDownLatch initialStates = new CountDownLatch(clients);
		DashboardListener listener = new DashboardListener(initialStates);
		try (Connector connector = Connector.fromArgs(args)) {
			List<Channel> channels = connector.connectAll(clients, (i) -> "name=dash" + i, (i) -> listener, IN_FLIGHT)
				.all();
			AtomicInteger closed = new AtomicInteger();
			channels.forEach((channel) -> channel.closeFuture().addListener((f) -> closed.incrementAndGet()));
			if (!initialStates.await(120, TimeUnit.SECONDS)) {
				throw new IllegalStateException(initialStates.getCount() + " of " + clients + " got no initial_state");
			}
			System.out.printf("%d clients on %s, all with initial_state; warm-up %ds, counted %ds%n", clients,
					connector.target(), warmup, duration);
			Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
			long latest = listener.latestTimestamp();
			if (latest == 0) {
				throw new IllegalStateException("No metrics_update during the warm-up");
			}
			// Half an interval after a tick: jitter of the ticks cannot move one across
			// an end
			long start = latest + INTERVAL_MILLIS / 2;
			while (start < System.currentTimeMillis() + 200) {
				start += INTERVAL_MILLIS;
			}
			long end = start + duration * INTERVAL_MILLIS;
			listener.window(start, end);

			sleepUntil(start);
			long startNanos = System.nanoTime();
			long serverStart = (serverPid > 0) ? ProcStat.cpuTicks(serverPid) : 0;
			long clientStart = ProcStat.cpuTicks(ProcessHandle.current().pid());
			sleepUntil(end);
			long serverTicks = (serverPid > 0) ? ProcStat.cpuTicks(serverPid) - serverStart : 0;
			long clientTicks = ProcStat.cpuTicks(ProcessHandle.current().pid()) - clientStart;
			double seconds = (System.nanoTime() - startNanos) / 1e9;

			long expected = (long) clients * duration;
			long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(grace);
			while (listener.inWindow() < expected && System.nanoTime() < graceEnd) {
				Thread.sleep(100);
			}
			Histogram lags = listener.lags().getIntervalHistogram();
			printTicks(listener.perTick(), start);
			double serverCpu = (double) serverTicks / clockTicks;
			double clientCpu = (double) clientTicks / clockTicks;
			System.out.printf(Locale.ROOT,
					"RESULT clients=%d seconds=%d ticks=%d received=%d expected=%d lag_p50_ms=%.1f lag_p99_ms=%.1f "
							+ "lag_max_ms=%.1f server_cpu_s=%s server_cpu_pct=%s server_cpu_ms_per_s=%s "
							+ "client_cpu_pct=%.1f closed=%d other_messages=%d%n",
					clients, duration, listener.perTick().size(), listener.inWindow(), expected,
					millis(lags.getValueAtPercentile(50)), millis(lags.getValueAtPercentile(99)),
					millis(lags.getMaxValue()), (serverPid > 0) ? format("%.2f", serverCpu) : "NA",
					(serverPid > 0) ? format("%.1f", 100 * serverCpu / seconds) : "NA",
					(serverPid > 0) ? format("%.1f", 1000 * serverCpu / duration) : "NA", 100 * clientCpu / seconds,
					closed.get(), listener.others());
			for (Channel channel : channels) {
				channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
			}
		}
	}

	/** One line per tick of the window: how many clients got it. */
	private static void printTicks(Map<Long, LongAdder> perTick, long start) {
		new TreeMap<>(perTick).forEach((timestamp, count) -> System.out.printf(Locale.ROOT,
				"tick +%6d ms  %5d deliveries%n", timestamp - start, count.sum()));
	}

	private static void sleepUntil(long epochMillis) throws InterruptedException {
		long wait = epochMillis - System.currentTimeMillis();
		if (wait > 0) {
			Thread.sleep(wait);
		}
	}

	private static double millis(long micros) {
		return micros / 1000.0;
	}

	private static String format(String pattern, double value) {
		return String.format(Locale.ROOT, pattern, value);
	}

}
