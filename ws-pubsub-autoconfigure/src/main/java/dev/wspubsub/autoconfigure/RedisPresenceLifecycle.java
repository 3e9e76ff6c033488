package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.cluster.RedisPresenceRegistry;

import org.springframework.context.SmartLifecycle;

/**
 * Presence's place in the application's start and stop, one phase after the fan-out's
 * ({@link RedisFanoutLifecycle}): its heartbeat starts once the fan-out has had its wait
 * for Redis, and at stop this node's entries are removed over the fan-out's link before
 * that link closes, so other nodes stop reporting them at once instead of a TTL later.
 */
final class RedisPresenceLifecycle implements SmartLifecycle {

	/** Started after the fan-out, stopped before it (and after the web server). */
	static final int PHASE = RedisFanoutLifecycle.PHASE + 1;

	private final RedisPresenceRegistry presence;

	private volatile boolean running;

	RedisPresenceLifecycle(RedisPresenceRegistry presence) {
		this.presence = presence;
	}

	@Override
	public void start() {
		this.presence.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.presence.stop();
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
