package dev.wspubsub.internal.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.wspubsub.CloseCodes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Drains the node when the context stops, before the web server's own graceful shutdown
 * (which would otherwise wait for open WebSockets as if they were slow requests): it
 * first says the node refuses traffic (so load balancers stop sending clients), refuses
 * new upgrades, then closes the open connections in batches spread over the
 * {@link DrainPolicy}'s duration with 1012 "Service Restart", and waits for their closing
 * handshakes.
 */
public final class GracefulShutdown implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(GracefulShutdown.class);

	private final SessionRegistry sessions;

	private final Duration timeout;

	private final DrainPolicy drain;

	private final Runnable refuseTraffic;

	private volatile boolean running;

	/**
	 * @param timeout the shutdown phase's timeout: the drain and the closing handshakes
	 * fit within it
	 * @param refuseTraffic marks the node not ready, before anything closes
	 */
	public GracefulShutdown(SessionRegistry sessions, Duration timeout, DrainPolicy drain, Runnable refuseTraffic) {
		this.sessions = Objects.requireNonNull(sessions, "sessions");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		this.drain = Objects.requireNonNull(drain, "drain");
		this.refuseTraffic = Objects.requireNonNull(refuseTraffic, "refuseTraffic");
	}

	@Override
	public void start() {
		this.sessions.accept();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		long deadline = System.nanoTime() + this.timeout.toNanos();
		this.refuseTraffic.run();
		String reason = this.drain.closeReason();
		// An upgrade under way now opens after this and is closed as it opens: waited
		// for below too.
		this.sessions.refuse(CloseCodes.SERVICE_RESTART, reason);
		List<WsConnection> open = this.sessions.openConnections();
		if (!open.isEmpty()) {
			Duration duration = this.drain.within(this.timeout);
			int batch = this.drain.batchSize(open.size(), duration);
			int batches = (open.size() + batch - 1) / batch;
			logger.info("Closing " + open.size() + " WebSocket connection(s) with 1012 Service Restart in " + batches
					+ " batch(es) over " + duration.toMillis() + " ms");
			if (!closeInBatches(open, batch, duration.dividedBy(batches))) {
				return;
			}
		}
		awaitClosed(deadline);
	}

	/**
	 * @return false when interrupted
	 */
	private boolean closeInBatches(List<WsConnection> open, int batch, Duration interval) {
		String reason = this.drain.closeReason();
		long start = System.nanoTime();
		for (int from = 0, index = 0; from < open.size(); from += batch, index++) {
			if (!pauseUntil(start + interval.toNanos() * index)) {
				return false;
			}
			for (WsConnection connection : open.subList(from, Math.min(open.size(), from + batch))) {
				connection.close(CloseCodes.SERVICE_RESTART, reason);
			}
		}
		return true;
	}

	private void awaitClosed(long deadline) {
		// Bounded poll: connections close on their event loops, which do not notify us.
		while (this.sessions.connections() + this.sessions.pending() > 0 && System.nanoTime() < deadline) {
			if (!pauseUntil(Math.min(deadline, System.nanoTime() + 20_000_000))) {
				return;
			}
		}
		if (this.sessions.connections() > 0) {
			logger.warn(this.sessions.connections() + " WebSocket connection(s) still open after " + this.timeout);
		}
	}

	/**
	 * @return false when interrupted
	 */
	private synchronized boolean pauseUntil(long nanoTime) {
		long left;
		while ((left = nanoTime - System.nanoTime()) > 0) {
			try {
				wait(Math.max(1, left / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
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
