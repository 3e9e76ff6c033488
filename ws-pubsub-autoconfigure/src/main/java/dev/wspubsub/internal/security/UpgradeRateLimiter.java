package dev.wspubsub.internal.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per client address for upgrades: {@code perSecond} a second, in bursts
 * of as many. An address whose bucket has refilled is forgotten at the next sweep (at
 * most once a second, by whichever upgrade comes then), so the map holds only the
 * addresses that upgraded within about the last second: a bucket refills in one.
 */
final class UpgradeRateLimiter {

	private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

	private final double perSecond;

	private final int burst;

	private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

	private final AtomicLong nextSweep;

	UpgradeRateLimiter(int perSecond, long nowNanos) {
		this.perSecond = perSecond;
		this.burst = perSecond;
		this.nextSweep = new AtomicLong(nowNanos + SWEEP_INTERVAL_NANOS);
	}

	/**
	 * Takes a token for an upgrade from {@code address}: {@code true} when it may
	 * proceed.
	 */
	boolean tryAcquire(String address, long nowNanos) {
		sweepIfDue(nowNanos);
		boolean[] taken = new boolean[1];
		this.buckets.compute(address, (key, bucket) -> {
			TokenBucket current = (bucket != null) ? bucket : new TokenBucket(this.perSecond, this.burst, nowNanos);
			taken[0] = current.tryTake(nowNanos);
			return current;
		});
		return taken[0];
	}

	private void sweepIfDue(long nowNanos) {
		long due = this.nextSweep.get();
		if (nowNanos - due >= 0 && this.nextSweep.compareAndSet(due, nowNanos + SWEEP_INTERVAL_NANOS)) {
			for (String address : this.buckets.keySet()) {
				this.buckets.computeIfPresent(address, (key, bucket) -> bucket.isFull(nowNanos) ? null : bucket);
			}
		}
	}

	/** Addresses remembered now. */
	int addresses() {
		return this.buckets.size();
	}

}
