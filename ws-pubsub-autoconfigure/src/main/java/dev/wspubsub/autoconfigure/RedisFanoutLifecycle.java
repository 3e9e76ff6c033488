package dev.wspubsub.autoconfigure;

import java.time.Duration;

import dev.wspubsub.internal.cluster.RedisFanout;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The Redis side's place in the application's start and stop, in phase 1: after Spring
 * Data's connection factory starts (phase 0) and before the web server, and the other way
 * round at stop.
 * <p>
 * At start it waits, at most {@code ws-pubsub.fanout.redis.startup-wait}, for the
 * fan-out's first connection, so the web server takes no connection (and readiness stays
 * down) while this node's publications would reach no other node and its history topics
 * could give them no position.
 * <p>
 * At stop the fan-out first opens no more connections and waits, briefly, for those it is
 * opening ({@link RedisFanout#stopConnecting()}), since one that outlived the client's
 * event loops would end on them with an ERROR from Netty. Then it gives up its
 * connections ({@link RedisFanout#suspend()}), and at a later start opens new ones
 * through the client the connection factory made when it started again
 * ({@link RedisFanout#resume()}): {@code context.stop()} then {@code context.start()}
 * leaves the node fanning out as before. On a Redis Cluster or a static master/replica
 * setup it closes the fan-out's own connections first. Left to the factory's shutdown,
 * the connections of a cluster fan-out are closed twice, the cluster connection closing
 * its node connections and the client then closing each again, and Lettuce warns
 * "Connection is already closed" for every one. On one Redis the factory's shutdown
 * closes them quietly, and closing them first made Lettuce warn instead: that case is
 * left to the factory. Then it stops a Lettuce connection factory itself, within a bound
 * ({@link LettuceBoundedStop}), so that Spring's own stop of it finds nothing left to do.
 */
final class RedisFanoutLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisFanoutLifecycle.class);

	/** Just after Spring Data's connection factory, which starts in phase 0. */
	static final int PHASE = 1;

	private final RedisFanout fanout;

	private final Duration startupWait;

	private final boolean closeFirst;

	private final @Nullable LettuceBoundedStop connectionFactoryStop;

	private volatile boolean running;

	RedisFanoutLifecycle(RedisFanout fanout, Duration startupWait, boolean closeFirst,
			@Nullable LettuceBoundedStop connectionFactoryStop) {
		this.fanout = fanout;
		this.startupWait = startupWait;
		this.closeFirst = closeFirst;
		this.connectionFactoryStop = connectionFactoryStop;
	}

	@Override
	public void start() {
		// The fan-out connects from its init method; this only waits for it, or, after a
		// stop, has it connect again.
		this.running = true;
		this.fanout.resume();
		if (!this.startupWait.isZero() && !this.fanout.awaitFirstUp(this.startupWait)) {
			logger.info("Redis fan-out of node " + this.fanout.nodeId() + " is not up after " + this.startupWait + " ("
					+ this.fanout.lastFailure() + "); the application starts without it, serving its own"
					+ " clients, and joins the other nodes when Redis answers");
		}
	}

	@Override
	public void stop() {
		this.running = false;
		// Before the factory's client shuts its event loops down: a connect of the
		// fan-out that outlived them would end there with Netty's ERROR.
		this.fanout.stopConnecting();
		if (this.closeFirst) {
			this.fanout.suspend();
		}
		if (this.connectionFactoryStop != null) {
			this.connectionFactoryStop.stop();
		}
		if (!this.closeFirst) {
			// Its connections closed with the factory: only forgotten here.
			this.fanout.suspend();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
