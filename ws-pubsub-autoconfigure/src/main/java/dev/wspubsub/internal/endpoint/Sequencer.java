package dev.wspubsub.internal.endpoint;

import java.util.ArrayDeque;

import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.internal.transport.WsConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Keeps one connection's messages in order while a handler is asynchronous or blocking:
 * later messages wait here until it completes. Created only for connections that ever ran
 * such a handler, so fast synchronous endpoints pay nothing. Touched only on the
 * connection's event loop.
 */
final class Sequencer implements WsConnection.HandlerState {

	/**
	 * Queued messages above which the connection stops reading until the queue drains.
	 */
	private static final int PAUSE_READING_AT = 256;

	/**
	 * Queued payload (characters of text, bytes of binary) at which the connection stops
	 * reading too: a count alone would let 256 messages of the largest payload wait here
	 * (4 GB at 16 MB each). What is held stays below this plus one message, and what the
	 * socket's last read had already decoded.
	 */
	static final long PAUSE_READING_AT_BYTES = 1024 * 1024;

	private static final Log logger = LogFactory.getLog(Sequencer.class);

	private final WsConnection connection;

	private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

	/**
	 * The payload of {@link #waiting}, as {@link #submit(WsConnection, Runnable, int)}
	 * counts it.
	 */
	private long waitingBytes;

	private boolean busy;

	/** The reply stream in progress, cancelled if the connection closes first. */
	private @Nullable Disposable reply;

	private Sequencer(WsConnection connection) {
		this.connection = connection;
	}

	static Sequencer of(WsConnection connection) {
		if (connection.handlerState() instanceof Sequencer sequencer) {
			return sequencer;
		}
		Sequencer sequencer = new Sequencer(connection);
		connection.handlerState(sequencer);
		return sequencer;
	}

	/**
	 * Runs {@code task} now, or after the messages before it when a handler is still
	 * running.
	 */
	static void submit(WsConnection connection, Runnable task) {
		submit(connection, task, 0);
	}

	/**
	 * As {@link #submit(WsConnection, Runnable)}, for a message of {@code bytes} payload,
	 * which counts toward the queue's bound in bytes.
	 */
	static void submit(WsConnection connection, Runnable task, int bytes) {
		if (!runsNow(connection) && connection.handlerState() instanceof Sequencer sequencer) {
			sequencer.waiting.add(new Waiting(task, bytes));
			sequencer.waitingBytes += bytes;
			if (sequencer.waiting.size() >= PAUSE_READING_AT || sequencer.waitingBytes >= PAUSE_READING_AT_BYTES) {
				connection.channel().config().setAutoRead(false);
			}
			return;
		}
		task.run();
	}

	/**
	 * Whether a message arriving now may be handled at once: no handler is running and
	 * nothing waits. A caller that checks this first needs no task object per message.
	 */
	static boolean runsNow(WsConnection connection) {
		return !(connection.handlerState() instanceof Sequencer sequencer)
				|| (!sequencer.busy && sequencer.waiting.isEmpty());
	}

	/** Payload waiting for the handler before it; event loop only. */
	long waitingBytes() {
		return this.waitingBytes;
	}

	/** A handler went asynchronous: hold later messages until {@link #done()}. */
	void begin() {
		this.busy = true;
	}

	/** Tracks a reply stream so {@link #cancel()} can stop it. */
	void track(Disposable reply) {
		if (this.busy && this.reply == null) {
			// Not yet done: a stream that completed during subscribe must not be tracked.
			this.reply = reply;
		}
	}

	/** The connection closed: stop a running reply stream, it has nobody to write to. */
	static void cancel(WsConnection connection) {
		if (connection.handlerState() instanceof Sequencer sequencer && sequencer.reply != null) {
			sequencer.reply.dispose();
			sequencer.reply = null;
			sequencer.done();
		}
	}

	/** The asynchronous handler finished; may be called from any thread. */
	void done() {
		if (!this.connection.channel().eventLoop().inEventLoop()) {
			// Through the outbox, behind what the completing thread already sent to this
			// connection.
			LoopOutbox.send(this.connection.channel().eventLoop(), this::done);
			return;
		}
		this.busy = false;
		this.reply = null;
		Waiting next;
		while (!this.busy && (next = this.waiting.poll()) != null) {
			this.waitingBytes -= next.bytes();
			try {
				next.task().run();
			}
			catch (RuntimeException ex) {
				// The handlers report their own failures; this keeps the queue moving
				// whatever happens.
				logger.warn(this.connection + ": a queued message could not be handled", ex);
			}
		}
		if (this.waiting.size() < PAUSE_READING_AT / 2 && this.waitingBytes < PAUSE_READING_AT_BYTES / 2
				&& this.connection.readyState() == WsConnection.OPEN) {
			this.connection.channel().config().setAutoRead(true);
		}
	}

	private record Waiting(Runnable task, int bytes) {
	}

}
