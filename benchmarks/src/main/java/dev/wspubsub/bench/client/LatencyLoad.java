package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Publish-to-deliver latency at a fixed rate, on the chat protocol: N clients in the room
 * take turns to publish {@code --rate} messages per second in total, each carrying
 * {@code System.nanoTime()} taken as it is written; every delivery to every client (all
 * N, sender included) is one sample. Prints p50/p99/p99.9 of the counted window.
 *
 * <pre>
 * java -cp benchmarks-jmh.jar dev.wspubsub.bench.client.LatencyLoad --port 4001 --clients 16 \
 *     --rate 20000 --warmup 5 --duration 10 --label ws-pubsub
 * </pre>
 *
 * With {@code --ports 4501,4502,4503} the clients are spread over the nodes of a cluster
 * in turn (client i on node i mod n), the client starts the run itself
 * ({@link ClusterStart}; the servers run with {@code CLIENTS_COUNT=0}), and deliveries
 * that crossed from one node to another are also recorded on their own
 * ({@code cross_p50_us}, {@code cross_p99_us}).
 * <p>
 * With {@code --rooms R} (or {@code --room-names}) the clients are spread over rooms as
 * {@link Rooms} says, on one node client i in room {@code room(i mod R)} (the many-rooms
 * benchmark: e.g. 2,000 clients in 200 rooms of 10, each publishing every 100 ms, is
 * {@code --clients 2000 --rooms 200 --rate 20000}); a publish is then delivered to the
 * clients of its room only. Given {@code --server-pid}, the server's CPU time over the
 * counted window is read from {@code /proc} ({@code cpu_s_per_million} delivered).
 */
public final class LatencyLoad {

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final int IN_FLIGHT = 200;

	private LatencyLoad() {
	}

	public static void main(String[] argv) throws Exception {
		Args args = new Args(argv);
		int clients = args.getInt("clients", 16);
		long rate = args.getLong("rate", 20_000);
		int warmup = args.getInt("warmup", 5);
		int duration = args.getInt("duration", 10);
		long serverPid = args.getLong("server-pid", 0);
		long clockTicks = args.getLong("clk-tck", 100);
		String label = args.get("label", "server");

		Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
		Recorder crossRecorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
		LongAdder received = new LongAdder();
		CountDownLatch ready = new CountDownLatch(clients);
		try (Connector connector = Connector.fromArgs(args)) {
			int nodes = connector.nodes();
			Rooms rooms = Rooms.fromArgs(args, clients, nodes);
			int roomSize = rooms.size();
			ClusterStart clusterStart = args.get("ports", "").isEmpty() ? null : new ClusterStart(rooms);
			IntFunction<String> query = rooms::query;
			IntFunction<FrameListener> listener = (i) -> {
				FrameListener client = new LatencyClient(ready, recorder, received, crossRecorder, nodes, i % nodes);
				return (clusterStart != null) ? clusterStart.gate(client) : client;
			};
			List<Channel> channels = connector.connectAll(clients, query, listener, IN_FLIGHT).all();
			if (clusterStart != null) {
				clusterStart.start(channels, 2000, 15);
			}
			if (!ready.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException(ready.getCount() + " of " + clients + " clients got no 'ready'");
			}
			System.out.printf("%s: %d clients in %d rooms, %d publishes/s, warm-up %ds, counted %ds%n", label, clients,
					rooms.count(), rate, warmup, duration);
			Pacer pacer = new Pacer(channels, rate);
			EventLoop loop = channels.get(0).eventLoop();
			ScheduledFuture<?> ticks = loop.scheduleAtFixedRate(pacer, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
			Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
			recorder.reset();
			crossRecorder.reset();
			long receivedBefore = received.sum();
			long publishedBefore = pacer.published();
			long startNanos = System.nanoTime();
			ProcStat.Cpu serverStart = (serverPid > 0) ? ProcStat.cpu(serverPid) : ProcStat.Cpu.NONE;
			Thread.sleep(TimeUnit.SECONDS.toMillis(duration));
			ticks.cancel(false);
			long published = pacer.published() - publishedBefore;
			double seconds = (System.nanoTime() - startNanos) / 1e9;
			ProcStat.Cpu server = (serverPid > 0) ? ProcStat.cpu(serverPid).since(serverStart) : ProcStat.Cpu.NONE;
			double serverCpu = (double) server.total() / clockTicks;
			double serverSystemCpu = (double) server.system() / clockTicks;
			long deliveredInWindow = received.sum() - receivedBefore;
			Thread.sleep(1000); // the last messages in flight
			Histogram histogram = recorder.getIntervalHistogram();
			Histogram cross = crossRecorder.getIntervalHistogram();
			long delivered = received.sum() - receivedBefore;
			System.out.printf(Locale.ROOT,
					"RESULT server=%s clients=%d rooms=%d nodes=%d rate=%d published=%d expected=%d delivered=%d "
							+ "delivered_per_s=%.0f server_cpu_s=%s server_cpu_pct=%s cpu_s_per_million=%s system_cpu_s_per_million=%s p50_us=%.1f "
							+ "p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f cross_delivered=%d cross_p50_us=%s "
							+ "cross_p99_us=%s%n",
					label, clients, rooms.count(), nodes, rate, published, published * roomSize, delivered,
					deliveredInWindow / seconds, (serverPid > 0) ? String.format(Locale.ROOT, "%.2f", serverCpu) : "NA",
					(serverPid > 0) ? String.format(Locale.ROOT, "%.1f", 100 * serverCpu / seconds) : "NA",
					(serverPid > 0 && deliveredInWindow > 0)
							? String.format(Locale.ROOT, "%.4f", serverCpu / (deliveredInWindow / 1e6)) : "NA",
					(serverPid > 0 && deliveredInWindow > 0)
							? String.format(Locale.ROOT, "%.4f", serverSystemCpu / (deliveredInWindow / 1e6)) : "NA",
					micros(histogram, 50), micros(histogram, 90), micros(histogram, 99), micros(histogram, 99.9),
					histogram.getMaxValue() / 1000.0, cross.getTotalCount(), microsOrNa(cross, 50),
					microsOrNa(cross, 99));
			for (Channel channel : channels) {
				channel.close();
			}
		}
	}

	private static double micros(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1000.0;
	}

	private static String microsOrNa(Histogram histogram, double percentile) {
		return (histogram.getTotalCount() == 0) ? "NA"
				: String.format(Locale.ROOT, "%.1f", micros(histogram, percentile));
	}

	/**
	 * Every millisecond, publishes what the rate says is due, round-robin over the
	 * clients, then flushes each channel once. Runs on one event loop.
	 */
	private static final class Pacer implements Runnable {

		private final List<Channel> channels;

		private final long rate;

		private final boolean[] written;

		private final AtomicLong published = new AtomicLong();

		private long start;

		Pacer(List<Channel> channels, long rate) {
			this.channels = channels;
			this.rate = rate;
			this.written = new boolean[channels.size()];
		}

		@Override
		public void run() {
			long now = System.nanoTime();
			if (this.start == 0) {
				this.start = now;
			}
			long due = (now - this.start) / 1000 * this.rate / 1_000_000;
			long sent = this.published.get();
			for (; sent < due; sent++) {
				int index = (int) (sent % this.channels.size());
				Channel channel = this.channels.get(index);
				ByteBuf frame = channel.alloc().buffer(32);
				byte[] stamp = Long.toString(System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
				Frames.writeMasked(frame, Frames.TEXT, stamp);
				channel.write(frame, channel.voidPromise());
				this.written[index] = true;
				// Per message, so a window ending while a backlog is written counts what
				// went out
				this.published.lazySet(sent + 1);
			}
			for (int i = 0; i < this.written.length; i++) {
				if (this.written[i]) {
					this.written[i] = false;
					this.channels.get(i).flush();
				}
			}
		}

		long published() {
			return this.published.get();
		}

	}

}
