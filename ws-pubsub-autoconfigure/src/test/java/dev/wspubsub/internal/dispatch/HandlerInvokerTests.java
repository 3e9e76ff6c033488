package dev.wspubsub.internal.dispatch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.ServerBusyException;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.transport.EmbeddedConnection;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.WsMetricsListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One invoker for JSON handlers and STOMP controllers: every call observed on the thread
 * it runs on, its outcome where the caller needs it, a refused call told as busy.
 */
class HandlerInvokerTests {

	private final EmbeddedConnection embedded = new EmbeddedConnection(1024 * 1024, false);

	private final WsConnection connection = this.embedded.connection();

	/** What the metrics listener and the outcome saw, with the thread each ran on. */
	private final List<String> events = new CopyOnWriteArrayList<>();

	private final ExecutorService pool = Executors.newSingleThreadExecutor((task) -> new Thread(task, "pool"));

	private final HandlerInvoker invoker = new HandlerInvoker(this.pool, new RecordingMetrics());

	@AfterEach
	void close() throws InterruptedException {
		this.pool.shutdownNow();
		this.pool.awaitTermination(10, TimeUnit.SECONDS);
		this.embedded.close();
	}

	@Test
	void aCallRunsOnTheCallersThreadObservedAndItsResultGoesToTheOutcome() {
		this.invoker.invoke(this.connection, "chat", () -> {
			this.events.add("call on " + thread());
			return "reply";
		}, new Recording());
		String here = thread();
		assertThat(this.events).containsExactly("start chat on " + here, "call on " + here, "end on " + here,
				"returned reply on " + here);
	}

	@Test
	void aFailingCallIsObservedAsFailedAndItsErrorGoesToTheOutcome() {
		IllegalStateException boom = new IllegalStateException("boom");
		this.invoker.invoke(this.connection, "chat", () -> {
			throw boom;
		}, new Recording());
		String here = thread();
		assertThat(this.events).containsExactly("start chat on " + here, "failed boom on " + here, "end on " + here,
				"failed boom on " + here);
	}

	@Test
	void aBlockingCallRunsOnThePoolAndItsOutcomeComesBackOnTheConnectionsLoop() throws InterruptedException {
		this.invoker.invokeBlocking(this.connection, "report", () -> {
			this.events.add("call on " + thread());
			return 42;
		}, new Recording());
		this.pool.shutdown();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.events).as("before the loop runs")
			.containsExactly("start report on pool", "call on pool", "end on pool");
		this.embedded.runLoop();
		assertThat(this.events).last().isEqualTo("returned 42 on " + thread());
	}

	@Test
	void aCallThePoolRefusesFailsAsBusyAtOnceWithoutRunning() {
		HandlerInvoker refusing = new HandlerInvoker((task) -> {
			throw new RejectedExecutionException("full");
		}, new RecordingMetrics());
		Recording outcome = new Recording();
		refusing.invokeBlocking(this.connection, "report", () -> {
			this.events.add("ran");
			return null;
		}, outcome);
		assertThat(this.events).containsExactly("failed " + ServerBusyException.MESSAGE + " on " + thread());
		assertThat(outcome.error).isInstanceOf(ServerBusyException.class)
			.hasCauseInstanceOf(RejectedExecutionException.class);
	}

	@Test
	void aCallOnAnExecutorHandsItsOutcomeOverOnThatExecutorsThread() throws InterruptedException {
		this.invoker.invokeOn(this.pool, this.connection, "stomp-send", () -> null, new Recording());
		this.pool.shutdown();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.events).containsExactly("start stomp-send on pool", "end on pool", "returned null on pool");
	}

	private static String thread() {
		return Thread.currentThread().getName();
	}

	private final class Recording implements HandlerInvoker.Outcome {

		@Nullable Throwable error;

		@Override
		public void returned(@Nullable Object result) {
			HandlerInvokerTests.this.events.add("returned " + result + " on " + thread());
		}

		@Override
		public void failed(Throwable error) {
			this.error = error;
			HandlerInvokerTests.this.events.add("failed " + error.getMessage() + " on " + thread());
		}

	}

	private final class RecordingMetrics implements WsMetricsListener {

		@Override
		public HandlerCall handlerStarted(WsSession<?> session, String messageType) {
			HandlerInvokerTests.this.events.add("start " + messageType + " on " + thread());
			return new HandlerCall() {

				@Override
				public void failed(Throwable error) {
					HandlerInvokerTests.this.events.add("failed " + error.getMessage() + " on " + thread());
				}

				@Override
				public void end() {
					HandlerInvokerTests.this.events.add("end on " + thread());
				}

			};
		}

	}

}
