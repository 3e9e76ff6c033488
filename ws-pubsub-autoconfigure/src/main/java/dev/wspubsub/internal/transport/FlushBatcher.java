package dev.wspubsub.internal.transport;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Flushes each written channel of one event loop once per batch of work instead of once
 * per message: writes mark the connection dirty, and one task queued behind the current
 * batch (the read burst or the publish tasks already queued) flushes them all. Touched
 * only from its own event loop.
 */
final class FlushBatcher implements Runnable {

	private static final Log logger = LogFactory.getLog(FlushBatcher.class);

	private static final FastThreadLocal<FlushBatcher> PER_LOOP = new FastThreadLocal<>();

	private final EventLoop loop;

	private List<Outbound> dirty = new ArrayList<>();

	private List<Outbound> spare = new ArrayList<>();

	private boolean scheduled;

	private FlushBatcher(EventLoop loop) {
		this.loop = loop;
	}

	/**
	 * The batcher of {@code loop}, which must be the calling thread's; a connection keeps
	 * it, as it never changes loops.
	 */
	static FlushBatcher current(EventLoop loop) {
		FlushBatcher batcher = PER_LOOP.get();
		if (batcher == null) {
			batcher = new FlushBatcher(loop);
			PER_LOOP.set(batcher);
		}
		return batcher;
	}

	/** Flushes {@code connection} behind the current batch of work; on the loop only. */
	void add(Outbound connection) {
		if (connection.flushPending) {
			return;
		}
		connection.flushPending = true;
		this.dirty.add(connection);
		if (!this.scheduled) {
			this.scheduled = true;
			this.loop.execute(this);
		}
	}

	@Override
	public void run() {
		List<Outbound> batch = this.dirty;
		this.dirty = this.spare;
		this.spare = batch;
		this.scheduled = false;
		for (int i = 0; i < batch.size(); i++) {
			Outbound connection = batch.get(i);
			connection.flushPending = false;
			try {
				connection.flushNow();
			}
			catch (RuntimeException ex) {
				// One broken connection must not leave the others on this loop unflushed.
				logger.warn(connection + ": flushing failed", ex);
			}
		}
		batch.clear();
	}

}
