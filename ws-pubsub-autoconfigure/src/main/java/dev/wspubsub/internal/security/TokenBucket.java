package dev.wspubsub.internal.security;

/**
 * A token bucket with an excess counter, for one connection's messages or one address's
 * upgrades: {@code rate} tokens a second up to {@code burst}; a message without a token
 * is refused and counted as excess, and the excess drains at the same rate, so only a
 * client that keeps sending faster than twice the rate piles it up. Not thread-safe: one
 * connection's event loop uses it, or {@link UpgradeRateLimiter} under its map's lock for
 * the address.
 */
final class TokenBucket {

	private final double ratePerNano;

	private final double burst;

	private double tokens;

	private double excess;

	private long lastNanos;

	TokenBucket(double perSecond, int burst, long nowNanos) {
		this.ratePerNano = perSecond / 1_000_000_000d;
		this.burst = burst;
		this.tokens = burst;
		this.lastNanos = nowNanos;
	}

	/** Takes a token: {@code true} when the message may pass. */
	boolean tryTake(long nowNanos) {
		double refill = (nowNanos - this.lastNanos) * this.ratePerNano;
		this.lastNanos = nowNanos;
		this.tokens = Math.min(this.burst, this.tokens + refill);
		this.excess = Math.max(0, this.excess - refill);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		this.excess += 1;
		return false;
	}

	/**
	 * Whether the bucket would be full by {@code nowNanos}: then it is no different from
	 * a new one.
	 */
	boolean isFull(long nowNanos) {
		return this.tokens + (nowNanos - this.lastNanos) * this.ratePerNano >= this.burst;
	}

	/** Refused messages not yet drained. */
	double excess() {
		return this.excess;
	}

}
