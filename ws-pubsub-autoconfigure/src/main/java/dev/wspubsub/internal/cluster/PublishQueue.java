package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
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

	private final BiFunction<ByteBuffer, ByteBuffer, CompletionStage<?>> sender;

	private final Runnable flush;

	private final Consumer<Throwable> onError;

	private final Runnable onReply;

	private final Executor dispatcher;

	private volatile boolean open;

	/**
	 * @param sender writes one message to one channel; it goes out at the next
	 * {@code flush}
	 * @param flush sends what {@code sender} has written
	 * @param onError told when a send fails, so the link can be marked down
	 * @param onReply told when Redis answers a send
	 * @param dispatcher the one thread every send is dispatched from
	 */
	PublishQueue(int capacity, int maxInFlight, BiFunction<ByteBuffer, ByteBuffer, CompletionStage<?>> sender,
			Runnable flush, Consumer<Throwable> onError, Runnable onReply, Executor dispatcher) {
		if (capacity < 1) {
			throw new IllegalArgumentException("Publish buffer must be at least 1, was " + capacity);
		}
		this.capacity = capacity;
		this.maxInFlight = maxInFlight;
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
				written |= send(item);
			}
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

	/** Whether it wrote a publish that waits for {@link #flush()}. */
	private boolean send(Item item) {
		Command command = item.command();
		if (command != null) {
			Mono<?> result;
			try {
				result = command.send();
			}
			catch (RuntimeException ex) {
				result = Mono.error(ex);
			}
			result.subscribe(null, (error) -> failed(item, error), () -> replied());
			return false;
		}
		CompletionStage<?> result;
		try {
			// Duplicates: a failed send goes out again with the same buffers.
			result = this.sender.apply(item.channel().duplicate(), item.body().duplicate());
		}
		catch (RuntimeException ex) {
			failed(item, ex);
			return false;
		}
		result.whenComplete((reply, error) -> {
			if (error != null) {
				failed(item, error);
			}
			else {
				replied();
			}
		});
		return true;
	}

	private void replied() {
		this.published.increment();
		this.inFlight.decrementAndGet();
		this.onReply.run();
		// Only a full pipeline holds the dispatcher back: otherwise the next offer wakes
		// it.
		if (!this.queue.isEmpty() || !this.retries.isEmpty()) {
			drain();
		}
	}

	private void failed(Item item, Throwable error) {
		this.errors.increment();
		this.inFlight.decrementAndGet();
		// Paused until the link is reported up again: resending now would fail the same
		// way.
		this.open = false;
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
