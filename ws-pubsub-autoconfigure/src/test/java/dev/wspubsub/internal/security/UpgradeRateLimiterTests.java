package dev.wspubsub.internal.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address upgrade buckets on a clock of the test's own, in nanoseconds. */
class UpgradeRateLimiterTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void anAddressGetsItsBurstThenOneUpgradePerRefillWhileAnotherAddressIsUntouched() {
		UpgradeRateLimiter limiter = new UpgradeRateLimiter(4, 0);
		for (int i = 0; i < 4; i++) {
			assertThat(limiter.tryAcquire("127.0.0.2", 0)).as("upgrade %d of the burst", i).isTrue();
		}
		assertThat(limiter.tryAcquire("127.0.0.2", 0)).as("past the burst").isFalse();
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND / 4 - 1)).as("before a token is back").isFalse();
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND / 4)).as("a quarter of a second later").isTrue();
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND / 4)).isFalse();
		assertThat(limiter.tryAcquire("127.0.0.1", SECOND / 4)).as("another address").isTrue();
	}

	@Test
	void refusedUpgradesDoNotDelayTheNextToken() {
		UpgradeRateLimiter limiter = new UpgradeRateLimiter(2, 0);
		limiter.tryAcquire("127.0.0.2", 0);
		limiter.tryAcquire("127.0.0.2", 0);
		for (long t = 0; t < SECOND / 2; t += SECOND / 100) {
			assertThat(limiter.tryAcquire("127.0.0.2", t)).isFalse();
		}
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND / 2)).isTrue();
	}

	@Test
	void addressesWhoseBucketsRefilledAreForgottenAtTheNextSweepAndOthersKept() {
		UpgradeRateLimiter limiter = new UpgradeRateLimiter(1, 0);
		for (int i = 0; i < 1000; i++) {
			assertThat(limiter.tryAcquire("10.0." + (i / 256) + "." + (i % 256), 0)).isTrue();
		}
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND / 2)).isTrue();
		assertThat(limiter.addresses()).isEqualTo(1001);
		// The first upgrade a second after the start sweeps: the thousand have refilled,
		// 127.0.0.2 has not.
		assertThat(limiter.tryAcquire("127.0.0.3", SECOND + SECOND / 5)).isTrue();
		assertThat(limiter.addresses()).isEqualTo(2);
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND + SECOND / 5)).as("still drained, not forgotten").isFalse();
		assertThat(limiter.tryAcquire("127.0.0.2", SECOND + SECOND / 2)).isTrue();
	}

}
