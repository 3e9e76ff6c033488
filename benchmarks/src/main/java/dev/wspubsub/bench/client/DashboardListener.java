package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.HdrHistogram.Recorder;

/**
 * What every dashboard client does with its messages, shared by all of them: counts
 * {@code initial_state}, and for each {@code metrics_update} whose {@code data.timestamp}
 * falls in the counted window records the lag (receive wall clock − timestamp, in
 * microseconds) and counts it per tick. Client and server share one machine, hence one
 * clock, so the difference of two wall clocks is a true delay.
 */
final class DashboardListener implements FrameListener {

	private static final byte[] METRICS_UPDATE = "\"type\":\"metrics_update\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] INITIAL_STATE = "\"type\":\"initial_state\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TIMESTAMP = "\"timestamp\":".getBytes(StandardCharsets.US_ASCII);

	private final CountDownLatch initialStates;

	private final Recorder lags = new Recorder(60_000_000L, 3);

	private final LongAdder inWindow = new LongAdder();

	private final LongAdder updates = new LongAdder();

	private final LongAdder others = new LongAdder();

	private final AtomicLong latestTimestamp = new AtomicLong();

	private final Map<Long, LongAdder> perTick = new ConcurrentHashMap<>();

	// Epoch millis; nothing is counted until the window is set
	private volatile long windowStart = Long.MAX_VALUE;

	private volatile long windowEnd = Long.MAX_VALUE;

	DashboardListener(CountDownLatch initialStates) {
		this.initialStates = initialStates;
	}

	@Override
	public void onMessage(Channel channel, ByteBuf payload) {
		Instant now = Instant.now();
		if (contains(payload, METRICS_UPDATE)) {
			this.updates.increment();
			long timestamp = timestamp(payload);
			this.latestTimestamp.accumulateAndGet(timestamp, Math::max);
			if (timestamp >= this.windowStart && timestamp < this.windowEnd) {
				long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
				this.lags.recordValue(Math.max(0, nowMicros - timestamp * 1_000L));
				this.inWindow.increment();
				this.perTick.computeIfAbsent(timestamp, (t) -> new LongAdder()).increment();
			}
		}
		else if (contains(payload, INITIAL_STATE)) {
			this.initialStates.countDown();
		}
		else {
			this.others.increment();
		}
	}

	/**
	 * Counts updates sampled at or after {@code start} and before {@code end} (epoch
	 * millis).
	 */
	void window(long start, long end) {
		this.windowEnd = end;
		this.windowStart = start;
	}

	Recorder lags() {
		return this.lags;
	}

	long inWindow() {
		return this.inWindow.sum();
	}

	long updates() {
		return this.updates.sum();
	}

	long others() {
		return this.others.sum();
	}

	long latestTimestamp() {
		return this.latestTimestamp.get();
	}

	/** Deliveries per sampled tick of the window, by {@code data.timestamp}. */
	Map<Long, LongAdder> perTick() {
		return this.perTick;
	}

	private static boolean contains(ByteBuf payload, byte[] needle) {
		return indexOf(payload, needle) >= 0;
	}

	// The payload is small (about 300 bytes); a plain scan beats decoding JSON per
	// message
	private static int indexOf(ByteBuf payload, byte[] needle) {
		int last = payload.writerIndex() - needle.length;
		outer: for (int i = payload.readerIndex(); i <= last; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (payload.getByte(i + j) != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/** The number after {@code "timestamp":}; a metrics update has exactly one. */
	private static long timestamp(ByteBuf payload) {
		int at = indexOf(payload, TIMESTAMP);
		if (at < 0) {
			throw new IllegalStateException(
					"metrics_update without a timestamp: " + payload.toString(StandardCharsets.UTF_8));
		}
		long value = 0;
		for (int i = at + TIMESTAMP.length; i < payload.writerIndex(); i++) {
			byte b = payload.getByte(i);
			if (b < '0' || b > '9') {
				break;
			}
			value = value * 10 + (b - '0');
		}
		return value;
	}

}
