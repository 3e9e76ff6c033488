package dev.wspubsub.endpoint;

import java.util.ArrayDeque;

import dev.wspubsub.transport.WsConnection;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Keeps one connection's messages in order while a handler is asynchronous or blocking:
 * later messages wait here until it completes. Created only for connections that ever
 * ran such a handler, so fast synchronous endpoints pay nothing. Touched only on the
 * connection's event loop.
 */
final class Sequencer {

	/** Queued messages above which the connection stops reading until the queue drains. */
	private static final int PAUSE_READING_AT = 256;

	private final WsConnection connection;

	private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

	private boolean busy;

	/** The reply stream in progress, cancelled if the connection closes first. */
	private @Nullable Disposable reply;

	private Sequencer(WsConnection connection) {
		this.connection = connection;
	}

	static Sequencer of(WsConnection connection) {
		Object attachment = connection.attachment();
		if (attachment instanceof Sequencer sequencer) {
			return sequencer;
		}
		Sequencer sequencer = new Sequencer(connection);
		connection.attach(sequencer);
		return sequencer;
	}

	/** Runs {@code task} now, or after the messages before it when a handler is still running. */
	static void submit(WsConnection connection, Runnable task) {
		if (connection.attachment() instanceof Sequencer sequencer && (sequencer.busy || !sequencer.waiting.isEmpty())) {
			sequencer.waiting.add(task);
			if (sequencer.waiting.size() == PAUSE_READING_AT) {
				connection.channel().config().setAutoRead(false);
			}
			return;
		}
		task.run();
	}

	/** A handler went asynchronous: hold later messages until {@link #done()}. */
	void begin() {
		this.busy = true;
	}

	/** Tracks a reply stream so {@link #cancel()} can stop it. */
	void track(Disposable reply) {
		if (this.busy) {
			// Not yet done: a stream that completed during subscribe must not be tracked.
			this.reply = reply;
		}
	}

	/** The connection closed: stop a running reply stream, it has nobody to write to. */
	static void cancel(WsConnection connection) {
		if (connection.attachment() instanceof Sequencer sequencer && sequencer.reply != null) {
			sequencer.reply.dispose();
			sequencer.reply = null;
			sequencer.done();
		}
	}

	/** The asynchronous handler finished; may be called from any thread. */
	void done() {
		if (!this.connection.channel().eventLoop().inEventLoop()) {
			this.connection.channel().eventLoop().execute(this::done);
			return;
		}
		this.busy = false;
		this.reply = null;
		Runnable next;
		while (!this.busy && (next = this.waiting.poll()) != null) {
			next.run();
		}
		if (this.waiting.size() < PAUSE_READING_AT / 2 && this.connection.readyState() == WsConnection.OPEN) {
			this.connection.channel().config().setAutoRead(true);
		}
	}
}
