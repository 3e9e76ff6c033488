package dev.wspubsub.internal.cluster;

import java.time.Instant;

/**
 * Told when the fan-out's link to Redis goes down and when it comes back, on the
 * fan-out's worker thread: must not block. Not told of the link going down at shutdown,
 * nor of its first coming up.
 */
interface LinkListener {

	/** The link went down at {@code downAt}. */
	void down(Instant downAt);

	/** The link that went down at {@code downAt} is back since {@code upAt}. */
	void up(Instant downAt, Instant upAt);

}
