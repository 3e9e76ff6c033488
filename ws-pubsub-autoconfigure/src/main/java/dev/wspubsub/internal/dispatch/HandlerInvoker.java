package dev.wspubsub.internal.dispatch;

import java.util.concurrent.Executor;

import dev.wspubsub.ServerBusyException;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/**
 * Runs handler methods for the JSON endpoints and the STOMP controllers alike: on the
 * caller's thread or on a pool, each call observed by the metrics listener on the thread
 * it runs on, its result or failure handed to an {@link Outcome}. A pool that refuses the
 * call fails it with {@link ServerBusyException}, so the client is told and the others go
 * on.
 */
public final class HandlerInvoker {

	private final Executor blockingExecutor;

	private final WsMetricsListener metrics;

	/**
	 * @param blockingExecutor where {@link #invokeBlocking} runs calls (a bounded pool)
	 * @param metrics told when each call starts and ends
	 */
	public HandlerInvoker(Executor blockingExecutor, WsMetricsListener metrics) {
		this.blockingExecutor = blockingExecutor;
		this.metrics = metrics;
	}

	/** The pool {@link #invokeBlocking} runs calls on. */
	public Executor blockingExecutor() {
		return this.blockingExecutor;
	}

	/**
	 * Runs {@code call} now, on this thread, and hands its result or failure to
	 * {@code outcome} on this thread too.
	 * @param messageType what the call is observed under
	 */
	public void invoke(WsSession<?> session, String messageType, Call call, Outcome outcome) {
		Object result;
		try {
			result = call(session, messageType, call);
		}
		catch (Throwable ex) {
			outcome.failed(ex);
			return;
		}
		outcome.returned(result);
	}

	/**
	 * Runs {@code call} now, on this thread, observed as {@link #invoke} observes it, and
	 * answers its result: for a caller on the event loop that handles the outcome itself,
	 * with no {@link Outcome} object per call.
	 * @throws Throwable what the call threw
	 */
	public @Nullable Object call(WsSession<?> session, String messageType, Call call) throws Throwable {
		WsMetricsListener.HandlerCall observed = this.metrics.handlerStarted(session, messageType);
		Object result;
		try {
			result = call.call();
		}
		catch (Throwable ex) {
			observed.failed(ex);
			observed.end();
			throw ex;
		}
		observed.end();
		return result;
	}

	/**
	 * Runs {@code call} on {@code executor} and hands its outcome over on that executor's
	 * thread; when {@code executor} refuses it, fails it here with
	 * {@link ServerBusyException}.
	 */
	public void invokeOn(Executor executor, WsSession<?> session, String messageType, Call call, Outcome outcome) {
		try {
			executor.execute(() -> invoke(session, messageType, call, outcome));
		}
		catch (RuntimeException rejected) {
			outcome.failed(new ServerBusyException(rejected));
		}
	}

	/**
	 * Runs {@code call} on the blocking pool, off the event loop, and hands its outcome
	 * back to {@code connection}'s event loop, where replies are written in order with
	 * everything else the connection sends. A refused call fails here, on this thread.
	 */
	public void invokeBlocking(WsConnection connection, String messageType, Call call, Outcome outcome) {
		Outcome onLoop = onLoop(connection.channel().eventLoop(), outcome);
		try {
			this.blockingExecutor.execute(() -> invoke(connection, messageType, call, onLoop));
		}
		catch (RuntimeException rejected) {
			outcome.failed(new ServerBusyException(rejected));
		}
	}

	private static Outcome onLoop(EventLoop loop, Outcome outcome) {
		return new Outcome() {

			@Override
			public void returned(@Nullable Object result) {
				LoopOutbox.send(loop, () -> outcome.returned(result));
			}

			@Override
			public void failed(Throwable error) {
				LoopOutbox.send(loop, () -> outcome.failed(error));
			}

		};
	}

	/** A handler method call, ready to run; what it throws is its failure. */
	@FunctionalInterface
	public interface Call {

		@Nullable Object call() throws Throwable;

	}

	/** Where a call's result or failure goes. */
	public interface Outcome {

		/** The handler returned {@code result} ({@code null} for none or void). */
		void returned(@Nullable Object result);

		/** The handler threw {@code error}, or could not be run. */
		void failed(Throwable error);

	}

}
