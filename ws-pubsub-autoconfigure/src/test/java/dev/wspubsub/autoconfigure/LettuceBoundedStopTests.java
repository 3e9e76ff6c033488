package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Level;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's shutdown never waits without a bound for Spring Data's Lettuce
 * connection factory, whose client waits for each connection's close without one.
 */
class LettuceBoundedStopTests {

	private static final Duration BOUND = Duration.ofMillis(300);

	@Test
	void aFactoryThatStopsInTimeIsStoppedQuietly() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", 1));
		factory.afterPropertiesSet();
		factory.start();
		try (ExpectedLog warnings = ExpectedLog.capture(Level.WARN, "did not stop")) {
			new LettuceBoundedStop(factory).stop();
			assertThat(factory.isRunning()).isFalse();
			assertThat(warnings.lines()).isEmpty();
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void aFactoryWhoseClientNeverFinishesClosingHoldsTheShutdownNoLongerThanTheBoundAndSaysSo() {
		HangingFactory factory = new HangingFactory();
		try (ExpectedLog warnings = ExpectedLog.capture(Level.WARN, "did not stop within")) {
			long start = System.nanoTime();
			new LettuceBoundedStop(factory, BOUND).stop();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(factory.stopCalled.getCount()).as("the factory was asked to stop").isZero();
			assertThat(took).isGreaterThanOrEqualTo(BOUND).isLessThan(BOUND.plusSeconds(2));
			assertThat(warnings.lines()).singleElement()
				.asString()
				.contains("Redis connection factory did not stop within PT0.3S");
		}
		finally {
			factory.release.countDown();
		}
	}

	@Test
	void itRunsBeforeSpringStopsTheFactory() {
		assertThat(RedisFanoutLifecycle.PHASE).isGreaterThan(new LettuceConnectionFactory().getPhase());
	}

	/** Stands for a client whose shutdown waits for a close that never completes. */
	private static final class HangingFactory extends LettuceConnectionFactory {

		final CountDownLatch stopCalled = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public boolean isRunning() {
			return this.release.getCount() > 0;
		}

		@Override
		public void stop() {
			this.stopCalled.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
