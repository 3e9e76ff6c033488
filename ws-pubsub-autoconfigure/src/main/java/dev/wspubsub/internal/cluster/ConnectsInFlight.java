package dev.wspubsub.internal.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Redis connections a fan-out's wires are opening, so that a stop can wait for them
 * before the Lettuce client shuts its event loops down. A connect that outlives them ends
 * on an event loop that is gone, and Netty logs an ERROR with a stack ("Failed to submit
 * a listener notification task. Event loop shut down?"): Lettuce resolves addresses with
 * one resolver group for the whole JVM, which hands a look-up's result to the event loop
 * of every connect waiting for it, and registering a late connect's channel meets the
 * same shut-down loop.
 */
final class ConnectsInFlight {

	private final Set<CompletableFuture<?>> opening = ConcurrentHashMap.newKeySet();

	// Guarded by this.
	private boolean stopped;

	/**
	 * Starts {@code connect} and follows it until it ends; after {@link #stop} starts
	 * nothing and fails instead.
	 */
	synchronized <C> CompletableFuture<C> open(Supplier<CompletableFuture<C>> connect) {
		if (this.stopped) {
			return CompletableFuture.failedFuture(new IllegalStateException("Stopping: no new Redis connection"));
		}
		CompletableFuture<C> attempt = connect.get();
		this.opening.add(attempt);
		attempt.whenComplete((connection, error) -> this.opening.remove(attempt));
		return attempt;
	}

	/**
	 * Opens no more connections until {@link #restart()}, and waits for those being
	 * opened to open or fail, {@code timeout} at most.
	 * @return whether every one ended in time
	 */
	boolean stop(Duration timeout) {
		CompletableFuture<?>[] pending;
		synchronized (this) {
			this.stopped = true;
			pending = this.opening.toArray(CompletableFuture<?>[]::new);
		}
		try {
			CompletableFuture.allOf(pending)
				.handle((ended, error) -> null)
				.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	/** Opens connections again after {@link #stop}. */
	synchronized void restart() {
		this.stopped = false;
	}

	/** How many connections are being opened now. */
	int count() {
		return this.opening.size();
	}

}
