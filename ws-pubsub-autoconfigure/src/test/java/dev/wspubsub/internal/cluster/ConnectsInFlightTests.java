package dev.wspubsub.internal.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop waits, within its bound, for the connects under way, and starts none until
 * restarted: the Lettuce client shuts its event loops down right after.
 */
class ConnectsInFlightTests {

	private final ConnectsInFlight connects = new ConnectsInFlight();

	private final AtomicInteger started = new AtomicInteger();

	@Test
	void aStopWaitsForTheConnectUnderWayToEnd() {
		CompletableFuture<String> opening = this.connects.open(this::connecting);
		CompletableFuture<Boolean> stopped = CompletableFuture
			.supplyAsync(() -> this.connects.stop(Duration.ofSeconds(30)));
		opening.completeExceptionally(new IllegalStateException("Connection refused"));
		// A failed connect has ended too: nothing of it is left on the event loops.
		assertThat(stopped.join()).isTrue();
		assertThat(this.connects.count()).isZero();
	}

	@Test
	void aStopGivesUpWaitingAtItsBound() {
		this.connects.open(this::connecting);
		assertThat(this.connects.stop(Duration.ofMillis(50))).isFalse();
		assertThat(this.connects.count()).isOne();
	}

	@Test
	void afterAStopNoConnectStartsUntilARestart() {
		this.connects.stop(Duration.ofSeconds(1));
		CompletableFuture<String> refused = this.connects.open(this::connecting);
		assertThat(refused).isCompletedExceptionally();
		assertThat(this.started).hasValue(0);
		this.connects.restart();
		assertThat(this.connects.open(this::connecting)).isNotDone();
		assertThat(this.started).hasValue(1);
	}

	private CompletableFuture<String> connecting() {
		this.started.incrementAndGet();
		return new CompletableFuture<>();
	}

}
