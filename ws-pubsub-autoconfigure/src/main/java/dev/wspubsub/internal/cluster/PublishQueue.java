package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The ordered, bounded road from {@code forward} to Redis. Publishes are queued in call
 * order and dispatched from one thread, so they reach the one Redis connection in that
 * order (per-publisher order per topic). While the link is down nothing is dispatched and
 * the queue holds up to {@code capacity} publishes; past it, publishes are dropped,
 * counted and logged. At most {@code maxInFlight} commands wait for Redis' answer, which
 * also bounds what the client library buffers on a broken connection. A send that fails
 * (the client library fails what it had in flight when the connection breaks, and rejects
 * new commands until it is back) pauses dispatch and goes back into the queue in its
 * place, to go out again once the link is reopened; after {@value #MAX_ATTEMPTS} attempts
 * it is dropped and counted.
 *
 * <p>
 * Publishes are written as they are dispatched and sent together ({@code flush}) once the
 * dispatcher has nothing more to send or reaches {@code maxInFlight}: a burst reaches
 * Redis in a few writes instead of one per publish. A reply only wakes the dispatcher
 * when something waits to be sent.
 *
 * <p>
 * With batching on, the publishes of one channel taken in one pass are handed to the
 * sender together (up to a count and a byte cap), for it to send as one command; only
 * what is queued already is taken, never waited for. A command ({@link Command}) is a
 * barrier: what was taken before it is sent before it. Every count (published, dropped,
 * errors, buffered, in flight) is of publishes, however many travel in one command.
 */
final class PublishQueue {

	private static final Log logger = LogFactory.getLog(PublishQueue.class);

	private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

	static final int MAX_ATTEMPTS = 3;

	private final Queue<Item> queue = new ConcurrentLinkedQueue<>();

	// Failed sends, to go out again before anything queued after them.
	private final Queue<Item> retries = new PriorityBlockingQueue<>(16, Comparator.comparingLong(Item::sequence));

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicInteger size = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger wip = new AtomicInteger();

	private final LongAdder published = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);

	private final int capacity;

	private final int maxInFlight;

	private final int maxBatchCount;

	private final int maxBatchBytes;

	private final Sender sender;

	// Dispatcher thread only: the publishes of this pass, by channel, not sent yet.
	private final Map<ByteBuffer, Batch> pending = new LinkedHashMap<>();

	private final Runnable flush;

	private final Consumer<Throwable> onError;

	private final Runnable onReply;

	private final Executor dispatcher;

	private volatile boolean open;

	/**
	 * @param maxBatchCount most publishes handed to {@code sender} at once; {@code 1}
	 * turns batching off
	 * @param maxBatchBytes most bytes of bodies handed to {@code sender} at once; a
	 * single larger body goes alone
	 * @param sender writes the publishes of one channel, in order, as one command; they
	 * go out at the next {@code flush}
	 * @param flush sends what {@code sender} has written
	 * @param onError told when a send fails, so the link can be marked down
	 * @param onReply told when Redis answers a send
	 * @param dispatcher the one thread every send is dispatched from
	 */
	PublishQueue(int capacity, int maxInFlight, int maxBatchCount, int maxBatchBytes, Sender sender, Runnable flush,
			Consumer<Throwable> onError, Runnable onReply, Executor dispatcher) {
		if (capacity < 1) {
			throw new IllegalArgumentException("Publish buffer must be at least 1, was " + capacity);
		}
		if (maxBatchCount < 1) {
			throw new IllegalArgumentException("Batches must hold at least 1 publish, not " + maxBatchCount);
		}
		this.capacity = capacity;
		this.maxInFlight = maxInFlight;
		this.maxBatchCount = maxBatchCount;
		this.maxBatchBytes = maxBatchBytes;
		this.sender = sender;
		this.flush = flush;
		this.onError = onError;
		this.onReply = onReply;
		this.dispatcher = dispatcher;
	}

	/** Queues one publish; drops it (counted) when the queue is full. */
	void offer(ByteBuffer channel, ByteBuffer body) {
		enqueue(channel, body, null);
	}

	/**
	 * Queues a command that sends itself, in order with the publishes.
	 * @return {@code false} when the queue is full and it was dropped (counted)
	 */
	boolean offer(Command command) {
		return enqueue(null, null, command);
	}

	private boolean enqueue(@Nullable ByteBuffer channel, @Nullable ByteBuffer body, @Nullable Command command) {
		if (this.size.incrementAndGet() > this.capacity) {
			this.size.decrementAndGet();
			this.dropped.increment();
			logDrop();
			return false;
		}
		this.queue.offer(new Item(this.sequence.incrementAndGet(), channel, body, command, 0));
		drain();
		return true;
	}

	/** Starts or stops dispatching; queued publishes stay queued while closed. */
	void setOpen(boolean open) {
		this.open = open;
		if (open) {
			drain();
		}
	}

	private void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		try {
			this.dispatcher.execute(this::drainLoop);
		}
		catch (RejectedExecutionException ex) {
			this.wip.set(0); // closed: what is queued stays queued
		}
	}

	// On the dispatcher thread only: a client library writes inline from its own I/O
	// thread
	// but queues writes from others, so dispatching from two threads could reorder.
	private void drainLoop() {
		int missed = 1;
		do {
			boolean written = false;
			while (this.open && this.inFlight.get() < this.maxInFlight) {
				Item item = this.retries.poll();
				if (item == null) {
					item = this.queue.poll();
				}
				if (item == null) {
					break;
				}
				this.size.decrementAndGet();
				this.inFlight.incrementAndGet();
				if (item.command() != null) {
					written |= sendPending();
					sendCommand(item);
				}
				else {
					written |= add(item);
				}
			}
			written |= sendPending();
			if (written) {
				flush();
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void flush() {
		try {
			this.flush.run();
		}
		catch (RuntimeException ex) {
			// The written publishes fail on their own when the connection is gone.
			logger.debug("Flushing publishes to Redis failed: " + ex);
		}
	}

	private void sendCommand(Item item) {
		Command command = item.command();
		Mono<?> result;
		try {
			result = command.send();
		}
		catch (RuntimeException ex) {
			result = Mono.error(ex);
		}
		result.subscribe(null, (error) -> failed(List.of(item), error), () -> replied(1));
	}

	/**
	 * Adds a publish to its channel's batch, sending the batch when full.
	 * @return whether it wrote a publish that waits for {@link #flush()}
	 */
	private boolean add(Item item) {
		ByteBuffer channel = item.channel();
		int bytes = item.body().remaining();
		boolean written = false;
		Batch batch = this.pending.get(channel);
		if (batch != null && batch.bytes + bytes > this.maxBatchBytes) {
			this.pending.remove(channel);
			written = send(batch);
			batch = null;
		}
		if (batch == null) {
			batch = new Batch(channel);
			this.pending.put(channel, batch);
		}
		batch.items.add(item);
		batch.bytes += bytes;
		if (batch.items.size() >= this.maxBatchCount || batch.bytes >= this.maxBatchBytes) {
			this.pending.remove(channel);
			written |= send(batch);
		}
		return written;
	}

	/**
	 * Sends the batches of this pass; puts them back untried when a failure closed the
	 * queue meanwhile.
	 */
	private boolean sendPending() {
		if (this.pending.isEmpty()) {
			return false;
		}
		boolean written = false;
		for (Batch batch : this.pending.values()) {
			if (this.open) {
				written |= send(batch);
			}
			else {
				for (Item item : batch.items) {
					this.inFlight.decrementAndGet();
					this.size.incrementAndGet();
					this.retries.offer(item);
				}
			}
		}
		this.pending.clear();
		return written;
	}

	/** Whether it wrote a command that waits for {@link #flush()}. */
	private boolean send(Batch batch) {
		List<Item> items = batch.items;
		List<ByteBuffer> bodies = new ArrayList<>(items.size());
		for (Item item : items) {
			// Duplicates: a failed send goes out again with the same buffers.
			bodies.add(item.body().duplicate());
		}
		CompletionStage<?> result;
		try {
			result = this.sender.send(batch.channel.duplicate(), bodies);
		}
		catch (RuntimeException ex) {
			failed(items, ex);
			return false;
		}
		result.whenComplete((reply, error) -> {
			if (error != null) {
				failed(items, error);
			}
			else {
				replied(items.size());
			}
		});
		return true;
	}

	private void replied(int publishes) {
		this.published.add(publishes);
		this.inFlight.addAndGet(-publishes);
		this.onReply.run();
		// Only a full pipeline holds the dispatcher back: otherwise the next offer wakes
		// it.
		if (!this.queue.isEmpty() || !this.retries.isEmpty()) {
			drain();
		}
	}

	// Each publish of a failed command fails as a lone one does.
	private void failed(List<Item> items, Throwable error) {
		this.errors.add(items.size());
		this.inFlight.addAndGet(-items.size());
		// Paused until the link is reported up again: resending now would fail the same
		// way.
		this.open = false;
		for (Item item : items) {
			boolean retry = item.attempts() + 1 < MAX_ATTEMPTS;
			if (item.command() != null) {
				item.command().failed(retry);
			}
			if (retry) {
				this.size.incrementAndGet();
				this.retries.offer(item.retried());
			}
			else {
				this.dropped.increment();
			}
		}
		this.onError.accept(error);
		drain();
	}

	private void logDrop() {
		long now = System.nanoTime();
		long last = this.lastDropLog.get();
		// One line per interval at most: a dead Redis must not flood the log.
		if (now - last >= DROP_LOG_INTERVAL_NANOS && this.lastDropLog.compareAndSet(last, now)) {
			logger.warn("Redis fan-out publish buffer is full (" + this.capacity + " messages); dropping publishes"
					+ " for other nodes (" + this.dropped.sum() + " dropped so far)");
		}
	}

	long published() {
		return this.published.sum();
	}

	long dropped() {
		return this.dropped.sum();
	}

	long errors() {
		return this.errors.sum();
	}

	int buffered() {
		return this.size.get();
	}

	/** Writes publishes of one channel. */
	@FunctionalInterface
	interface Sender {

		/**
		 * Writes {@code bodies}, in order, as one command.
		 * @return completes with Redis' answer
		 */
		CompletionStage<?> send(ByteBuffer channel, List<ByteBuffer> bodies);

	}

	/** Publishes of one channel taken in one pass. */
	private static final class Batch {

		final ByteBuffer channel;

		final List<Item> items = new ArrayList<>();

		int bytes;

		Batch(ByteBuffer channel) {
			this.channel = channel;
		}

	}

	/**
	 * A queued command other than a plain PUBLISH: it sends itself and hears of its
	 * failures.
	 */
	interface Command {

		/** One attempt; called on the dispatcher thread, in queue order. */
		Mono<?> send();

		/** An attempt failed; {@code retry} says whether it will be sent again. */
		void failed(boolean retry);

	}

	@SuppressWarnings("NullAway")
	private record Item(long sequence, @Nullable ByteBuffer channel, @Nullable ByteBuffer body,
			@Nullable Command command, int attempts) {

		Item retried() {
			return new Item(this.sequence, this.channel, this.body, this.command, this.attempts + 1);
		}

	}

}
