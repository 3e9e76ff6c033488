package dev.wspubsub.sample.chat;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in buckets of 50 µs up to 5 s (and one bucket beyond), recorded from any
 * thread without locks; coarse, but fixed in size whatever the count, so a soak can keep
 * one per minute.
 */
final class LatencyHistogram {

	private static final long BUCKET_NANOS = 50_000;

	private static final int BUCKETS = 100_000;

	private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);

	void record(long nanos) {
		this.counts.incrementAndGet((int) Math.min(Math.max(nanos, 0) / BUCKET_NANOS, BUCKETS));
	}

	long count() {
		long total = 0;
		for (int i = 0; i <= BUCKETS; i++) {
			total += this.counts.get(i);
		}
		return total;
	}

	/**
	 * The upper edge of the bucket holding the {@code percentile}, in microseconds; 0
	 * when empty.
	 */
	long percentileMicros(double percentile) {
		long total = count();
		if (total == 0) {
			return 0;
		}
		long rank = (long) Math.ceil(total * percentile / 100.0);
		long seen = 0;
		for (int i = 0; i <= BUCKETS; i++) {
			seen += this.counts.get(i);
			if (seen >= rank) {
				return (i + 1) * BUCKET_NANOS / 1000;
			}
		}
		return (BUCKETS + 1) * BUCKET_NANOS / 1000;
	}

}
