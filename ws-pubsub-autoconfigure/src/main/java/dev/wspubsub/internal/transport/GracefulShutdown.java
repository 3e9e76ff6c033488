package dev.wspubsub.internal.transport;

import java.time.Duration;

import dev.wspubsub.CloseCodes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Closes every connection with 1001 "Going Away" when the context stops, before the web
 * server's own graceful shutdown (which would otherwise wait for open WebSockets as if
 * they were slow requests), and refuses new upgrades meanwhile.
 */
public final class GracefulShutdown implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(GracefulShutdown.class);

	private final SessionRegistry sessions;

	private final Duration timeout;

	private volatile boolean running;

	public GracefulShutdown(SessionRegistry sessions, Duration timeout) {
		this.sessions = sessions;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.sessions.accept();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		// An upgrade under way now opens after closeAll and is closed as it opens: wait
		// for it too.
		int open = this.sessions.connections() + this.sessions.pending();
		if (open == 0) {
			this.sessions.closeAll(CloseCodes.GOING_AWAY, "Going Away");
			return;
		}
		logger.info("Closing " + open + " WebSocket connection(s) with 1001 Going Away");
		this.sessions.closeAll(CloseCodes.GOING_AWAY, "Going Away");
		long deadline = System.nanoTime() + this.timeout.toNanos();
		synchronized (this) {
			while (this.sessions.connections() + this.sessions.pending() > 0 && System.nanoTime() < deadline) {
				try {
					// Bounded poll: connections close on their event loops, which do not
					// notify us.
					wait(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
		if (this.sessions.connections() > 0) {
			logger.warn(this.sessions.connections() + " WebSocket connection(s) still open after " + this.timeout);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Stops before the web server's graceful shutdown phase.
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
