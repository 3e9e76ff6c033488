package dev.wspubsub.transport;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One timer per event loop that checks every connection of that loop for idleness,
 * instead of one scheduled task per connection: idle connections then cost no timer
 * objects, and the check is a field read. Touched only from its own event loop.
 */
final class IdleSweeper implements Runnable {

	/** Granularity of idle checks; idle timeouts are honoured within this. */
	static final long TICK_MILLIS = 100;

	private static final FastThreadLocal<IdleSweeper> PER_LOOP = new FastThreadLocal<>();

	private final EventLoop loop;

	private final Set<FrameHandler> connections = new LinkedHashSet<>();

	private @Nullable ScheduledFuture<?> timer;

	private IdleSweeper(EventLoop loop) {
		this.loop = loop;
	}

	/** Must be called on {@code loop}. */
	static void register(EventLoop loop, FrameHandler handler) {
		IdleSweeper sweeper = PER_LOOP.get();
		if (sweeper == null) {
			sweeper = new IdleSweeper(loop);
			PER_LOOP.set(sweeper);
		}
		sweeper.connections.add(handler);
		if (sweeper.timer == null) {
			sweeper.timer = loop.scheduleAtFixedRate(sweeper, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	/** Must be called on the handler's loop. */
	static void unregister(FrameHandler handler) {
		IdleSweeper sweeper = PER_LOOP.get();
		if (sweeper != null) {
			sweeper.connections.remove(handler);
			if (sweeper.connections.isEmpty() && sweeper.timer != null) {
				sweeper.timer.cancel(false);
				sweeper.timer = null;
			}
		}
	}

	@Override
	public void run() {
		long now = System.nanoTime();
		// Copy: a check may close a connection, which unregisters it.
		for (FrameHandler handler : this.connections.toArray(new FrameHandler[0])) {
			handler.checkIdle(now);
		}
	}
}
