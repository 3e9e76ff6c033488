package dev.wspubsub.internal.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.lettuce.core.api.StatefulConnection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A connection being opened, opened again on the next use when the last attempt failed
 * (Redis was away): the wires' command and publish connections.
 */
final class Reconnecting<C extends StatefulConnection<?, ?>> {

	private final Supplier<CompletableFuture<C>> connect;

	private volatile CompletableFuture<C> current;

	Reconnecting(Supplier<CompletableFuture<C>> connect) {
		this.connect = connect;
		this.current = connect.get();
	}

	/** The connection, or the attempt under way. */
	CompletableFuture<C> get() {
		CompletableFuture<C> attempt = this.current;
		if (attempt.isCompletedExceptionally()) {
			synchronized (this) {
				if (this.current == attempt) {
					this.current = this.connect.get();
				}
				attempt = this.current;
			}
		}
		return attempt;
	}

	/** The connection if it is open now, without waiting. */
	@Nullable C now() {
		CompletableFuture<C> attempt = get();
		return (attempt.isDone() && !attempt.isCompletedExceptionally()) ? attempt.join() : null;
	}

	/**
	 * Opens a new connection in place of {@code stale}, which is closed; nothing when
	 * {@code stale} was replaced already (the other commands that failed on it).
	 */
	void reopen(C stale) {
		synchronized (this) {
			CompletableFuture<C> attempt = this.current;
			if (!attempt.isDone() || attempt.isCompletedExceptionally() || attempt.join() != stale) {
				return;
			}
			this.current = this.connect.get();
		}
		stale.closeAsync();
	}

	/**
	 * Opens a new connection in place of the open one; nothing while one is being opened,
	 * or when the last attempt failed (the next use opens one anyway).
	 */
	void reopen() {
		C open = now();
		if (open != null) {
			reopen(open);
		}
	}

	/** Closes the connection once open; a failed attempt has nothing to close. */
	Mono<Void> close() {
		return Mono.fromFuture(this.current, true)
			.flatMap((open) -> Mono.fromCompletionStage(open.closeAsync()))
			.onErrorResume((error) -> Mono.empty());
	}

}
