package dev.wspubsub.internal.loop;

import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Hands work from one event loop to others in batches: work for a loop is queued here
 * while the current loop finishes its batch (a read burst), then shipped as one task per
 * target loop instead of one task (and one wake-up) per message. Order between a source
 * loop and a target loop is kept. Off an event loop, work is handed over at once. Work
 * for a loop that has shut down is dropped, never thrown back at the sender: its
 * connections are closed, and {@link HeldWork} releases what it holds.
 * <p>
 * A batch is an array of entries that the target loop empties and hands back when it has
 * run them, so in the steady state shipping allocates nothing; work given as a
 * {@link Handoff} and its arguments needs no object per message either. A full batch is
 * shipped at once, so the target starts on a long burst before it ends.
 */
public final class LoopOutbox implements Runnable {

	private static final Log logger = LogFactory.getLog(LoopOutbox.class);

	private static final FastThreadLocal<LoopOutbox> PER_LOOP = new FastThreadLocal<>();

	private final EventExecutor source;

	/** One per target loop this loop has sent to, in the order first sent to. */
	private Lane[] lanes = new Lane[4];

	private int laneCount;

	private boolean scheduled;

	private LoopOutbox(EventExecutor source) {
		this.source = source;
	}

	/** Runs {@code work} on {@code target}: batched when called on another event loop. */
	public static void send(EventLoop target, Runnable work) {
		LoopOutbox outbox = current();
		if (outbox == null) {
			try {
				target.execute(work);
			}
			catch (RejectedExecutionException ex) {
				discard(work);
			}
			return;
		}
		outbox.add(target, Batch.RUNNABLE, work, null, null, null);
	}

	/**
	 * Runs {@code handoff} with the arguments on {@code target}, batched as
	 * {@link #send(EventLoop, Runnable)}, with no task object per call when sent from an
	 * event loop; {@code handoff} should be a constant. If {@code target} has shut down,
	 * {@link Handoff#discard} gets the arguments instead.
	 */
	public static <A, B, C, D extends @Nullable Object> void send(EventLoop target, Handoff<A, B, C, D> handoff, A a,
			B b, C c, D d) {
		LoopOutbox outbox = current();
		if (outbox == null) {
			try {
				target.execute(() -> handoff.run(a, b, c, d));
			}
			catch (RejectedExecutionException ex) {
				discard(handoff, a, b, c, d);
			}
			return;
		}
		outbox.add(target, handoff, a, b, c, d);
	}

	/** The calling event loop's outbox; {@code null} off an event loop. */
	private static @Nullable LoopOutbox current() {
		EventExecutor current = ThreadExecutorMap.currentExecutor();
		if (!(current instanceof EventLoop)) {
			return null;
		}
		LoopOutbox outbox = PER_LOOP.get();
		if (outbox == null || outbox.source != current) {
			outbox = new LoopOutbox(current);
			PER_LOOP.set(outbox);
		}
		return outbox;
	}

	private void add(EventLoop target, Object handler, @Nullable Object a, @Nullable Object b, @Nullable Object c,
			@Nullable Object d) {
		Lane lane = lane(target);
		Batch batch = lane.filling();
		if (batch.add(handler, a, b, c, d)) {
			lane.filling = null;
			lane.lastShipped = batch.size;
			ship(lane, batch);
		}
		if (!this.scheduled) {
			this.scheduled = true;
			this.source.execute(this);
		}
	}

	private Lane lane(EventLoop target) {
		for (int i = 0; i < this.laneCount; i++) {
			if (this.lanes[i].target == target) {
				return this.lanes[i];
			}
		}
		if (this.laneCount == this.lanes.length) {
			this.lanes = Arrays.copyOf(this.lanes, this.laneCount * 2);
		}
		Lane lane = new Lane(target);
		this.lanes[this.laneCount++] = lane;
		return lane;
	}

	@Override
	public void run() {
		this.scheduled = false;
		int kept = 0;
		for (int i = 0; i < this.laneCount; i++) {
			Lane lane = this.lanes[i];
			Batch batch = lane.filling;
			lane.filling = null;
			if (batch != null) {
				lane.lastShipped = batch.size;
				ship(lane, batch);
			}
			if (!lane.target.isShutdown()) {
				this.lanes[kept++] = lane;
			}
		}
		// Lanes to loops that have gone are forgotten.
		Arrays.fill(this.lanes, kept, this.laneCount, null);
		this.laneCount = kept;
	}

	private static void ship(Lane lane, Batch batch) {
		try {
			lane.target.execute(batch);
		}
		catch (RejectedExecutionException ex) {
			// That loop shut down; the other loops of this batch still get theirs.
			batch.discardAll();
		}
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

	@SuppressWarnings("unchecked")
	private static void discard(Handoff<?, ?, ?, ?> handoff, @Nullable Object a, @Nullable Object b, @Nullable Object c,
			@Nullable Object d) {
		try {
			((Handoff<Object, Object, Object, Object>) handoff).discard(a, b, c, d);
		}
		catch (RuntimeException ex) {
			logger.warn("Releasing work for an event loop that has shut down failed", ex);
		}
	}

	/**
	 * Work that takes its state as arguments, so that handing it to another loop needs no
	 * object per call: a constant, not a capturing lambda.
	 */
	public interface Handoff<A, B, C, D extends @Nullable Object> {

		/** Runs on the target loop. */
		void run(A a, B b, C c, D d);

		/**
		 * Runs instead of {@link #run} when the target loop has shut down: releases what
		 * the arguments hold.
		 */
		default void discard(A a, B b, C c, D d) {
		}

	}

	/**
	 * What one source loop ships to one target loop: the batch being filled, and emptied
	 * ones the target handed back for reuse.
	 */
	private static final class Lane {

		private final EventLoop target;

		/** Source loop only. */
		private @Nullable Batch filling;

		/**
		 * Emptied batches: put back by the target loop when it has run one, taken by the
		 * source loop. Sixteen, so that the batches still in flight while a busy target
		 * catches up are reused too (80 KB at most kept per pair of loops).
		 */
		private final AtomicReferenceArray<@Nullable Batch> spares = new AtomicReferenceArray<>(16);

		/**
		 * Entries of the batch shipped last: a new batch is made that big, so one made
		 * while the others are in flight is neither regrown nor mostly empty. Source loop
		 * only.
		 */
		private int lastShipped;

		Lane(EventLoop target) {
			this.target = target;
		}

		Batch filling() {
			Batch batch = this.filling;
			if (batch == null) {
				for (int i = 0; i < this.spares.length() && batch == null; i++) {
					batch = this.spares.getAndSet(i, null);
				}
				if (batch == null) {
					batch = new Batch(this, this.lastShipped);
				}
				this.filling = batch;
			}
			return batch;
		}

		/** Target loop: keeps an emptied batch for reuse, if there is room. */
		void giveBack(Batch batch) {
			for (int i = 0; i < this.spares.length(); i++) {
				if (this.spares.compareAndSet(i, null, batch)) {
					return;
				}
			}
		}

	}

	/**
	 * Entries of five slots each (the handler, then its four arguments), filled on the
	 * source loop, run and emptied on the target loop, then handed back to its
	 * {@link Lane}.
	 */
	private static final class Batch implements Runnable {

		/**
		 * The handler slot of an entry that is a {@code Runnable} (its first argument).
		 */
		static final Object RUNNABLE = new Object();

		private static final int SLOTS = 5;

		/** Most entries of a batch; a full one is shipped at once. */
		private static final int ENTRIES = 256;

		private static final int FIRST_ENTRIES = 16;

		private final Lane lane;

		/** Grows by doubling up to {@link #ENTRIES}, and keeps its size when reused. */
		private @Nullable Object[] slots;

		private int size;

		Batch(Lane lane, int expectedEntries) {
			this.lane = lane;
			int entries = FIRST_ENTRIES;
			while (entries < expectedEntries && entries < ENTRIES) {
				entries *= 2;
			}
			this.slots = new Object[entries * SLOTS];
		}

		/**
		 * @return whether the batch is full now
		 */
		boolean add(Object handler, @Nullable Object a, @Nullable Object b, @Nullable Object c, @Nullable Object d) {
			int at = this.size * SLOTS;
			if (at == this.slots.length) {
				this.slots = Arrays.copyOf(this.slots, at * 2);
			}
			@Nullable Object[] slots = this.slots;
			slots[at] = handler;
			slots[at + 1] = a;
			slots[at + 2] = b;
			slots[at + 3] = c;
			slots[at + 4] = d;
			return ++this.size == ENTRIES;
		}

		/**
		 * Runs every entry: one that throws must not cost the others (other clients'
		 * messages) their turn.
		 */
		@Override
		@SuppressWarnings({ "unchecked", "NullAway" })
		public void run() {
			@Nullable Object[] slots = this.slots;
			int end = this.size * SLOTS;
			for (int at = 0; at < end; at += SLOTS) {
				Object handler = slots[at];
				try {
					if (handler == RUNNABLE) {
						((Runnable) slots[at + 1]).run();
					}
					else {
						((Handoff<Object, Object, Object, Object>) handler).run(slots[at + 1], slots[at + 2],
								slots[at + 3], slots[at + 4]);
					}
				}
				catch (RuntimeException ex) {
					logger.warn("A task handed to another event loop failed", ex);
				}
			}
			recycle();
		}

		/** The target loop has shut down: releases what every entry holds. */
		@SuppressWarnings("NullAway")
		void discardAll() {
			@Nullable Object[] slots = this.slots;
			int end = this.size * SLOTS;
			for (int at = 0; at < end; at += SLOTS) {
				if (slots[at] == RUNNABLE) {
					discard((Runnable) slots[at + 1]);
				}
				else {
					discard((Handoff<?, ?, ?, ?>) slots[at], slots[at + 1], slots[at + 2], slots[at + 3],
							slots[at + 4]);
				}
			}
			this.size = 0;
		}

		private void recycle() {
			Arrays.fill(this.slots, 0, this.size * SLOTS, null);
			this.size = 0;
			this.lane.giveBack(this);
		}

	}

}
