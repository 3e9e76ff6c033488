package dev.wspubsub.internal.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How a graceful shutdown closes its connections: spread over {@code duration}, at least
 * {@code minBatch} at a time, each with 1012 "Service Restart" and a close reason telling
 * the client to reconnect within {@code reconnectWindow}, so the clients of a restarting
 * node reach the others at a pace they can take rather than in one second.
 *
 * @param duration how long the closes are spread over; zero closes every connection at
 * once
 * @param minBatch fewest connections closed together: a node with no more than this many
 * closes them all at once, since so few are no stampede
 * @param reconnectWindow the window, carried in the close reason, within which a client
 * picks a random moment to reconnect
 */
public record DrainPolicy(Duration duration, int minBatch, Duration reconnectWindow) {

	/** Time between two batches at most: short enough that a batch stays small. */
	static final Duration TICK = Duration.ofMillis(100);

	public DrainPolicy {
		Objects.requireNonNull(duration, "duration");
		Objects.requireNonNull(reconnectWindow, "reconnectWindow");
		if (duration.isNegative() || reconnectWindow.isNegative()) {
			throw new IllegalArgumentException("Drain durations must not be negative");
		}
		if (minBatch < 1) {
			throw new IllegalArgumentException("minBatch must be at least 1, was " + minBatch);
		}
	}

	/**
	 * The close reason of a drain: {@code Service Restart; reconnect within <n> ms},
	 * which the browser client reads.
	 */
	public String closeReason() {
		return "Service Restart; reconnect within " + this.reconnectWindow.toMillis() + " ms";
	}

	/**
	 * The drain's duration within {@code phaseTimeout}, leaving room for the last batch's
	 * closing handshakes.
	 */
	Duration within(Duration phaseTimeout) {
		Duration room = phaseTimeout.minusMillis(CloseHandshake.TIMEOUT_MILLIS);
		if (room.isNegative()) {
			return Duration.ZERO;
		}
		return (this.duration.compareTo(room) < 0) ? this.duration : room;
	}

	/** How many connections each batch closes when {@code connections} are open. */
	int batchSize(int connections, Duration drain) {
		long ticks = Math.max(1, drain.toMillis() / TICK.toMillis());
		long spread = (connections + ticks - 1) / ticks;
		return (int) Math.max(this.minBatch, Math.min(Math.max(connections, 1), spread));
	}

}
