package dev.wspubsub.internal.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;

/**
 * The command timeout of a publish connection, kept here instead of by Lettuce. With the
 * timeout options Spring Boot sets, Lettuce starts a timer for each command and cancels
 * it at the reply, which costs more than the publish itself; here each publish is
 * remembered in a ring, in the order Redis answers, and those still unanswered after the
 * same timeout fail with the exception Lettuce would have raised. {@link #expire} runs at
 * every probe of the link, so a publish fails between its timeout and one probe interval
 * later.
 *
 * <p>
 * Not thread-safe: publishes are written, and expired, from the one thread that
 * dispatches them; replies may complete them on any thread.
 */
final class PublishDeadlines {

	private static final int INITIAL_CAPACITY = 1024;

	private volatile long timeoutNanos;

	private CompletableFuture<?>[] publishes = new CompletableFuture<?>[INITIAL_CAPACITY];

	private long[] writtenAt = new long[INITIAL_CAPACITY];

	private int head;

	private int size;

	// Publishes written between two flushes share one reading of the clock, the first:
	// each is given a little less time, never more.
	private long batchWrittenAt;

	/**
	 * Turns Lettuce's per-command timer off on {@code connection} when it runs the
	 * connection's own timeout, and takes that timeout over; leaves any other setting as
	 * it is (no timeout, or one that depends on the command).
	 */
	void takeOver(StatefulConnection<?, ?> connection, ClientOptions options) {
		TimeoutOptions timeouts = options.getTimeoutOptions();
		Duration timeout = connection.getTimeout();
		if (timeouts.isTimeoutCommands() && timeouts.isApplyConnectionTimeout() && timeout != null
				&& !timeout.isZero()) {
			this.timeoutNanos = timeout.toNanos();
			connection.setTimeout(Duration.ZERO);
		}
	}

	/** Remembers a publish just written, until it is answered or expires. */
	void written(CompletionStage<?> publish) {
		if (this.timeoutNanos == 0) {
			return;
		}
		removeAnswered();
		if (this.size == this.publishes.length) {
			grow();
		}
		if (this.batchWrittenAt == 0) {
			this.batchWrittenAt = System.nanoTime();
		}
		int tail = (this.head + this.size) & (this.publishes.length - 1);
		this.publishes[tail] = publish.toCompletableFuture();
		this.writtenAt[tail] = this.batchWrittenAt;
		this.size++;
	}

	/** The publishes written so far are sent: the next ones read the clock again. */
	void flushed() {
		this.batchWrittenAt = 0;
	}

	/**
	 * Fails the publishes unanswered for longer than the timeout.
	 * @return how many failed
	 */
	int expire() {
		removeAnswered();
		long now = System.nanoTime();
		int expired = 0;
		while (this.size > 0 && now - this.writtenAt[this.head] > this.timeoutNanos) {
			CompletableFuture<?> publish = this.publishes[this.head];
			if (publish.completeExceptionally(new RedisCommandTimeoutException(
					"Command timed out after " + Duration.ofNanos(this.timeoutNanos).toMillis() + " millisecond(s)"))) {
				expired++;
			}
			removeHead();
		}
		return expired;
	}

	/** Publishes remembered now, answered or not. */
	int size() {
		return this.size;
	}

	// Redis answers in order: the answered ones are at the head.
	private void removeAnswered() {
		while (this.size > 0 && this.publishes[this.head].isDone()) {
			removeHead();
		}
	}

	private void removeHead() {
		this.publishes[this.head] = null;
		this.head = (this.head + 1) & (this.publishes.length - 1);
		this.size--;
	}

	private void grow() {
		int capacity = this.publishes.length;
		CompletableFuture<?>[] publishes = new CompletableFuture<?>[capacity * 2];
		long[] writtenAt = new long[capacity * 2];
		for (int i = 0; i < this.size; i++) {
			int from = (this.head + i) & (capacity - 1);
			publishes[i] = this.publishes[from];
			writtenAt[i] = this.writtenAt[from];
		}
		this.publishes = publishes;
		this.writtenAt = writtenAt;
		this.head = 0;
	}

}
