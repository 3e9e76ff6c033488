package dev.wspubsub.sample.chat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection of a soak shares: the phase its messages are sent in, the latency
 * window they are recorded into, running totals, and the first problems seen.
 */
final class SoakTraffic {

	/** Messages sent while the rate is being found; not held to the soak's account. */
	static final int CALIBRATION = 0;

	static final int SOAK = 1;

	private static final int MAX_PROBLEMS = 20;

	private final LongAdder sent = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

	private final AtomicInteger problemCount = new AtomicInteger();

	private volatile int phase = CALIBRATION;

	private volatile LatencyHistogram window = new LatencyHistogram();

	int phase() {
		return this.phase;
	}

	void phase(int phase) {
		this.phase = phase;
	}

	/** Starts a new latency window and returns the one that ends. */
	LatencyHistogram nextWindow() {
		LatencyHistogram ended = this.window;
		this.window = new LatencyHistogram();
		return ended;
	}

	void sent() {
		this.sent.increment();
	}

	void delivered(long latencyNanos) {
		this.delivered.increment();
		this.window.record(latencyNanos);
	}

	long sentCount() {
		return this.sent.sum();
	}

	long deliveredCount() {
		return this.delivered.sum();
	}

	void problem(String problem) {
		if (this.problemCount.incrementAndGet() <= MAX_PROBLEMS) {
			this.problems.add(problem);
		}
	}

	int problemCount() {
		return this.problemCount.get();
	}

	List<String> problems() {
		return List.copyOf(this.problems);
	}

}
