package dev.wspubsub.internal.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One timer per event loop that checks every connection of that loop for idleness,
 * instead of one scheduled task per connection: idle connections then cost no timer
 * objects, and the check is a field read. The tick is an eighth of the shortest idle
 * timeout on the loop, between 50 ms and 1 s, so a timeout is honoured within an eighth
 * of itself. Touched only from its own event loop.
 */
final class IdleSweeper implements Runnable {

	private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Log logger = LogFactory.getLog(IdleSweeper.class);

	private static final FastThreadLocal<IdleSweeper> PER_LOOP = new FastThreadLocal<>();

	private final EventLoop loop;

	/**
	 * The registered connections in {@code [0, count)}; each knows its own slot, so
	 * removing one is a swap with the last and costs no entry object per connection, as a
	 * set would.
	 */
	private @Nullable FrameHandler[] connections = new FrameHandler[16];

	private int count;

	/**
	 * Connections found past their timeout during a sweep, closed after it (closing
	 * unregisters).
	 */
	private final List<FrameHandler> expired = new ArrayList<>();

	private @Nullable ScheduledFuture<?> timer;

	private long tickNanos = Long.MAX_VALUE;

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
		sweeper.add(handler);
		long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, handler.idleTimeoutNanos() / 8));
		if (sweeper.timer == null || tick < sweeper.tickNanos) {
			sweeper.schedule(tick);
		}
	}

	private void schedule(long tick) {
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		this.tickNanos = tick;
		this.timer = this.loop.scheduleAtFixedRate(this, tick, tick, TimeUnit.NANOSECONDS);
	}

	/** Must be called on the handler's loop. */
	static void unregister(FrameHandler handler) {
		IdleSweeper sweeper = PER_LOOP.get();
		if (sweeper != null && sweeper.remove(handler) && sweeper.count == 0 && sweeper.timer != null) {
			sweeper.timer.cancel(false);
			sweeper.timer = null;
			sweeper.tickNanos = Long.MAX_VALUE;
		}
	}

	private void add(FrameHandler handler) {
		if (handler.sweeperSlot >= 0) {
			return;
		}
		if (this.count == this.connections.length) {
			this.connections = Arrays.copyOf(this.connections, this.count * 2);
		}
		handler.sweeperSlot = this.count;
		this.connections[this.count++] = handler;
	}

	private boolean remove(FrameHandler handler) {
		int slot = handler.sweeperSlot;
		if (slot < 0 || slot >= this.count || this.connections[slot] != handler) {
			return false;
		}
		FrameHandler last = this.connections[--this.count];
		this.connections[slot] = last;
		if (last != null) {
			last.sweeperSlot = slot;
		}
		this.connections[this.count] = null;
		handler.sweeperSlot = -1;
		if (this.connections.length > 16 && this.count < this.connections.length / 4) {
			// Given back after a wave of connections has gone.
			this.connections = Arrays.copyOf(this.connections, this.connections.length / 2);
		}
		return true;
	}

	@Override
	public void run() {
		long now = System.nanoTime();
		// Backwards: were a check to unregister its connection, the last one, moved into
		// its slot, was already checked.
		for (int i = this.count - 1; i >= 0; i--) {
			FrameHandler handler = this.connections[i];
			if (handler == null) {
				continue;
			}
			try {
				if (handler.checkIdle(now)) {
					this.expired.add(handler);
				}
			}
			catch (RuntimeException ex) {
				// One connection's failure must not cancel this loop's timer for all the
				// others.
				logger.warn("Idle check failed", ex);
			}
		}
		for (int i = 0; i < this.expired.size(); i++) {
			this.expired.get(i).closeIdle();
		}
		this.expired.clear();
	}

}
