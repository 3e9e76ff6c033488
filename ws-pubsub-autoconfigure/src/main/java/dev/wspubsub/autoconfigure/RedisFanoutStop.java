package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.cluster.RedisFanout;

import org.springframework.context.SmartLifecycle;

/**
 * Closes the Redis fan-out's own connections when the application stops, after the web
 * server and ws-pubsub's drain and before Spring Data's connection factory (phase 0)
 * shuts its Lettuce client down. Left to that shutdown, the connections of a Redis
 * Cluster fan-out are closed twice, the cluster connection closing its node connections
 * and the client then closing each again, and Lettuce warns "Connection is already
 * closed" for every one.
 */
final class RedisFanoutStop implements SmartLifecycle {

	/** Just before Spring Data's connection factory, which stops in phase 0. */
	static final int PHASE = 1;

	private final RedisFanout fanout;

	private volatile boolean running;

	RedisFanoutStop(RedisFanout fanout) {
		this.fanout = fanout;
	}

	@Override
	public void start() {
		// The fan-out starts as a bean (its init method): nothing to do here.
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.fanout.close();
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
