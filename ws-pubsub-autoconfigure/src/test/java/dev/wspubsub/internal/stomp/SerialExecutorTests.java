package dev.wspubsub.internal.stomp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One session's controller calls run one at a time and in order on the shared pool; a
 * call the pool refuses is handed back to the caller, and does not hold up the session's
 * next ones.
 */
class SerialExecutorTests {

	private final List<String> ran = new ArrayList<>();

	/** Runs what it is given only when the test says so. */
	private final ManualPool pool = new ManualPool();

	@Test
	void tasksRunOneRunAtATimeInOrder() {
		SerialExecutor serial = new SerialExecutor(this.pool);
		serial.execute(() -> this.ran.add("a"));
		serial.execute(() -> this.ran.add("b"));
		serial.execute(() -> this.ran.add("c"));
		assertThat(this.pool.runs).as("one run for the three").hasSize(1);
		this.pool.runNext();
		assertThat(this.ran).containsExactly("a", "b", "c");
	}

	@Test
	void aRefusedTaskIsThrownBackAndTheNextOneStillRuns() {
		SerialExecutor serial = new SerialExecutor(this.pool);
		this.pool.refuseNext = true;
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> serial.execute(() -> this.ran.add("refused")));
		serial.execute(() -> this.ran.add("next"));
		this.pool.runNext();
		assertThat(this.ran).containsExactly("next");
	}

	@Test
	void aFailingTaskIsLoggedAndDoesNotStopTheOnesBehindIt() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "STOMP application task failed")) {
			SerialExecutor serial = new SerialExecutor(this.pool);
			serial.execute(() -> {
				throw new IllegalStateException("boom");
			});
			serial.execute(() -> this.ran.add("after"));
			this.pool.runNext();
			assertThat(this.ran).containsExactly("after");
			assertThat(log.lines()).hasSize(1);
			assertThat(log.thrown()).singleElement(as(InstanceOfAssertFactories.THROWABLE)).hasMessage("boom");
		}
	}

	@Test
	void everyTaskTakenIsRunEvenWhenThePoolIsFullAsARunEnds() throws InterruptedException {
		// One thread and no queue: the pool refuses whenever its thread is busy, so also
		// when a run, ending as a new task comes, would ask it for another run.
		ThreadPoolExecutor oneThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
		try {
			SerialExecutor serial = new SerialExecutor(oneThread);
			AtomicInteger taken = new AtomicInteger();
			AtomicInteger ran = new AtomicInteger();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			for (int i = 0; i < 200_000 && System.nanoTime() < deadline; i++) {
				try {
					serial.execute(ran::incrementAndGet);
					taken.incrementAndGet();
				}
				catch (RejectedExecutionException refused) {
					// thrown back: not taken
				}
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ran).hasValue(taken.get()));
		}
		finally {
			oneThread.shutdownNow();
			assertThat(oneThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	static final class ManualPool implements Executor {

		final Queue<Runnable> runs = new ArrayDeque<>();

		boolean refuseNext;

		@Override
		public void execute(Runnable run) {
			if (this.refuseNext) {
				this.refuseNext = false;
				throw new RejectedExecutionException("full");
			}
			this.runs.add(run);
		}

		void runNext() {
			this.runs.remove().run();
		}

	}

}
