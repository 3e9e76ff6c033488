package dev.wspubsub.autoconfigure;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Stops Spring Data's Lettuce connection factory within a bound, just before Spring would
 * stop it without one. The factory's stop shuts its Lettuce client down, and Lettuce
 * waits for every connection's close without a limit: a connection whose close never
 * completes holds the application's shutdown forever (Lettuce issue 2278, still open;
 * seen here once in a clean-clone build, which then ran out of time). Past the bound the
 * stop goes on in the background, the application keeps shutting down, and the client's
 * event loops, shut down with its resources, close what is left.
 */
final class LettuceBoundedStop {

	private static final Log logger = LogFactory.getLog(LettuceBoundedStop.class);

	/** Beyond the client's own quiet period and timeout. */
	static final Duration MARGIN = Duration.ofSeconds(5);

	private final LettuceConnectionFactory connectionFactory;

	private final Duration bound;

	LettuceBoundedStop(LettuceConnectionFactory connectionFactory) {
		this(connectionFactory,
				connectionFactory.getClientConfiguration()
					.getShutdownQuietPeriod()
					.plus(connectionFactory.getClientConfiguration().getShutdownTimeout())
					.plus(MARGIN));
	}

	LettuceBoundedStop(LettuceConnectionFactory connectionFactory, Duration bound) {
		this.connectionFactory = connectionFactory;
		this.bound = bound;
	}

	void stop() {
		if (!this.connectionFactory.isRunning()) {
			return;
		}
		Thread stopping = new Thread(this.connectionFactory::stop, "ws-pubsub-redis-client-stop");
		stopping.setDaemon(true);
		stopping.start();
		try {
			stopping.join(this.bound.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (stopping.isAlive()) {
			logger.warn("Spring Data's Redis connection factory did not stop within " + this.bound
					+ ": its Lettuce client is still waiting for a connection to close. The application goes on"
					+ " stopping; the client's event loops close what is left when its resources shut down.");
		}
	}

}
