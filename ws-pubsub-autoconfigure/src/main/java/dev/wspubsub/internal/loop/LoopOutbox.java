package dev.wspubsub.internal.loop;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Hands work from one event loop to others in batches: work for a loop is queued here
 * while the current loop finishes its batch (a read burst), then shipped as one task per
 * target loop instead of one task (and one wake-up) per message. Order between a source
 * loop and a target loop is kept. Off an event loop, work is handed over at once. Work
 * for a loop that has shut down is dropped, never thrown back at the sender: its
 * connections are closed, and {@link HeldWork} releases what it holds.
 */
public final class LoopOutbox implements Runnable {

	private static final Log logger = LogFactory.getLog(LoopOutbox.class);

	private static final FastThreadLocal<LoopOutbox> PER_LOOP = new FastThreadLocal<>();

	private final EventExecutor source;

	private Map<EventLoop, List<Runnable>> pending = new IdentityHashMap<>();

	private boolean scheduled;

	private LoopOutbox(EventExecutor source) {
		this.source = source;
	}

	/** Runs {@code work} on {@code target}: batched when called on another event loop. */
	public static void send(EventLoop target, Runnable work) {
		EventExecutor current = ThreadExecutorMap.currentExecutor();
		if (!(current instanceof EventLoop)) {
			try {
				target.execute(work);
			}
			catch (RejectedExecutionException ex) {
				discard(work);
			}
			return;
		}
		LoopOutbox outbox = PER_LOOP.get();
		if (outbox == null || outbox.source != current) {
			outbox = new LoopOutbox(current);
			PER_LOOP.set(outbox);
		}
		outbox.add(target, work);
	}

	private void add(EventLoop target, Runnable work) {
		this.pending.computeIfAbsent(target, (loop) -> new ArrayList<>()).add(work);
		if (!this.scheduled) {
			this.scheduled = true;
			this.source.execute(this);
		}
	}

	@Override
	public void run() {
		Map<EventLoop, List<Runnable>> batch = this.pending;
		this.pending = new IdentityHashMap<>();
		this.scheduled = false;
		batch.forEach((target, work) -> {
			try {
				target.execute(() -> runAll(work));
			}
			catch (RejectedExecutionException ex) {
				// That loop shut down; the other loops of this batch still get theirs.
				work.forEach(LoopOutbox::discard);
			}
		});
	}

	private static void discard(Runnable work) {
		if (work instanceof HeldWork held) {
			try {
				held.discard();
			}
			catch (RuntimeException ex) {
				logger.warn("Releasing work for an event loop that has shut down failed", ex);
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Dropped work for an event loop that has shut down: " + work);
		}
	}

	/**
	 * Runs every task: one that throws must not cost the others (other clients' messages)
	 * their turn.
	 */
	static void runAll(List<Runnable> work) {
		for (int i = 0; i < work.size(); i++) {
			try {
				work.get(i).run();
			}
			catch (RuntimeException ex) {
				logger.warn("A task handed to another event loop failed", ex);
			}
		}
	}

}
