package dev.wspubsub.test;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The receiving half of {@link WsTestClient}: a {@link WebSocket.Listener} that queues
 * what arrives, and the bounded waits on those queues.
 *
 * <p>
 * One lock and one condition guard all queues and the close status, so that a wait for a
 * message ends as soon as the connection closes instead of running into its timeout.
 */
final class WsInbox implements WebSocket.Listener {

	private static final int HISTORY_SIZE = 10;

	private static final int ABBREVIATE_AT = 200;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final Deque<String> texts = new ArrayDeque<>();

	private final Deque<byte[]> binaries = new ArrayDeque<>();

	private final Deque<byte[]> pongs = new ArrayDeque<>();

	/** The last few messages received, consumed or not, for failure messages. */
	private final Deque<String> history = new ArrayDeque<>();

	private @Nullable CloseStatus closeStatus;

	// Fragment buffers: only touched by listener callbacks, which the JDK never runs
	// concurrently.
	private final StringBuilder textFragments = new StringBuilder();

	private final ByteArrayOutputStream binaryFragments = new ByteArrayOutputStream();

	@Override
	public void onOpen(WebSocket webSocket) {
		webSocket.request(1);
	}

	@Override
	public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		// The JDK may reuse data once we return, so copy it before anything else.
		this.textFragments.append(data);
		if (last) {
			String message = this.textFragments.toString();
			this.textFragments.setLength(0);
			update(() -> {
				this.texts.add(message);
				remember(abbreviate(message));
			});
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] chunk = new byte[data.remaining()];
		data.get(chunk);
		this.binaryFragments.writeBytes(chunk);
		if (last) {
			byte[] message = this.binaryFragments.toByteArray();
			this.binaryFragments.reset();
			update(() -> {
				this.binaries.add(message);
				remember("binary[" + message.length + " bytes]");
			});
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
		byte[] payload = new byte[message.remaining()];
		message.get(payload);
		update(() -> this.pongs.add(payload));
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		// Returning null lets the JDK answer with a close frame carrying the same code.
		closed(statusCode, reason);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		closed(CloseStatus.ABNORMAL, String.valueOf(error));
	}

	/** Records the end of the connection unless an earlier close was already recorded. */
	void closed(int code, String reason) {
		update(() -> {
			if (this.closeStatus == null) {
				this.closeStatus = new CloseStatus(code, reason);
			}
		});
	}

	@Nullable String pollText(long deadline) {
		return poll(this.texts, deadline);
	}

	byte @Nullable [] pollBinary(long deadline) {
		return poll(this.binaries, deadline);
	}

	byte @Nullable [] pollPong(long deadline) {
		return poll(this.pongs, deadline);
	}

	/** Waits for the close status; {@code null} when the deadline passed first. */
	@Nullable CloseStatus pollClose(long deadline) {
		return waitFor(() -> this.closeStatus, deadline, false);
	}

	/**
	 * Waits for any text or binary message without consuming it; describes it or returns
	 * null.
	 */
	@Nullable String peekAnyMessage(long deadline) {
		return waitFor(() -> {
			if (!this.texts.isEmpty()) {
				return "\"" + abbreviate(this.texts.peek()) + "\"";
			}
			return this.binaries.isEmpty() ? null : "binary[" + this.binaries.peek().length + " bytes]";
		}, deadline, true);
	}

	List<String> drainTexts() {
		this.lock.lock();
		try {
			List<String> drained = new ArrayList<>(this.texts);
			this.texts.clear();
			return drained;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Nullable CloseStatus closeStatus() {
		this.lock.lock();
		try {
			return this.closeStatus;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** An {@link AssertionError} for a wait that ended without what it awaited. */
	AssertionError failure(String awaited, Duration timeout) {
		CloseStatus status = closeStatus();
		String cause = (status != null) ? "Connection closed (" + status.code() + " \"" + status.reason() + "\")"
				: "Timed out after " + format(timeout);
		return new AssertionError(cause + " while awaiting " + awaited + "; " + describe());
	}

	/** What is queued and what was received lately, for failure messages. */
	String describe() {
		this.lock.lock();
		try {
			CloseStatus status = this.closeStatus;
			return "connection "
					+ ((status != null) ? "closed with " + status.code() + " \"" + status.reason() + "\"" : "open")
					+ ", queued: " + this.texts.size() + " text / " + this.binaries.size() + " binary"
					+ ", last received: " + this.history;
		}
		finally {
			this.lock.unlock();
		}
	}

	private <T> @Nullable T poll(Deque<T> queue, long deadline) {
		return waitFor(queue::poll, deadline, true);
	}

	/**
	 * Evaluates {@code probe} under the lock until it yields a value or the deadline
	 * passes; when {@code endsOnClose}, also gives up once the connection is closed, as
	 * nothing more can arrive.
	 */
	private <T> @Nullable T waitFor(Supplier<@Nullable T> probe, long deadline, boolean endsOnClose) {
		this.lock.lock();
		try {
			while (true) {
				T value = probe.get();
				if (value != null || (endsOnClose && this.closeStatus != null)) {
					return value;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return null;
				}
				this.changed.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting; " + describe(), ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void update(Runnable change) {
		this.lock.lock();
		try {
			change.run();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void remember(String entry) {
		if (this.history.size() == HISTORY_SIZE) {
			this.history.removeFirst();
		}
		this.history.addLast(entry);
	}

	static long deadline(Duration timeout) {
		return System.nanoTime() + timeout.toNanos();
	}

	static String abbreviate(String text) {
		return (text.length() <= ABBREVIATE_AT) ? text
				: text.substring(0, ABBREVIATE_AT) + "…(" + text.length() + " chars)";
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
