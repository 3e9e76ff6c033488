package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.cluster.RedisFanout;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * On a Redis Cluster, closes the fan-out's own connections when the application stops,
 * after the web server and ws-pubsub's drain and before Spring Data's connection factory
 * (phase 0) shuts its Lettuce client down. Left to that shutdown, the connections of a
 * cluster fan-out are closed twice, the cluster connection closing its node connections
 * and the client then closing each again, and Lettuce warns "Connection is already
 * closed" for every one. On one Redis the factory's shutdown closes them quietly, and
 * closing them first made Lettuce warn instead: that case is left to the factory. Then it
 * stops a Lettuce connection factory itself, within a bound ({@link LettuceBoundedStop}),
 * so that Spring's own stop of it finds nothing left to do.
 */
final class RedisFanoutStop implements SmartLifecycle {

	/** Just before Spring Data's connection factory, which stops in phase 0. */
	static final int PHASE = 1;

	private final RedisFanout fanout;

	private final boolean cluster;

	private final @Nullable LettuceBoundedStop connectionFactoryStop;

	private volatile boolean running;

	RedisFanoutStop(RedisFanout fanout, boolean cluster, @Nullable LettuceBoundedStop connectionFactoryStop) {
		this.fanout = fanout;
		this.cluster = cluster;
		this.connectionFactoryStop = connectionFactoryStop;
	}

	@Override
	public void start() {
		// The fan-out starts as a bean (its init method): nothing to do here.
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.cluster) {
			this.fanout.close();
		}
		if (this.connectionFactoryStop != null) {
			this.connectionFactoryStop.stop();
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
