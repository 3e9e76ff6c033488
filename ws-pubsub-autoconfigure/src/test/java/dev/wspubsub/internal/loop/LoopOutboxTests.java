package dev.wspubsub.internal.loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Work handed to a loop that has shut down, as happens when an application stops
 * mid-publish.
 */
class LoopOutboxTests {

	private final EventLoop sender = new DefaultEventLoop();

	private final EventLoop live = new DefaultEventLoop();

	private final EventLoop gone = new DefaultEventLoop();

	@AfterEach
	void shutDown() {
		this.sender.shutdownGracefully(0, 0, TimeUnit.SECONDS);
		this.live.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void workSentFromAnyThreadToAShutDownLoopIsDiscardedNotThrownAtTheSender() throws Exception {
		stopGone();
		Counting work = new Counting();
		assertThatNoException().isThrownBy(() -> LoopOutbox.send(this.gone, work));
		assertThat(work.runs).hasValue(0);
		assertThat(work.discards).as("what it held is released").hasValue(1);
	}

	@Test
	void aBatchForAShutDownLoopIsDiscardedAndTheOtherLoopsStillGetTheirs() throws Exception {
		stopGone();
		Counting forGone = new Counting();
		CountDownLatch ranOnLive = new CountDownLatch(1);
		Counting forLive = new Counting(ranOnLive);
		// Sent from an event loop, so both are batched and shipped by one outbox task.
		this.sender.submit(() -> {
			LoopOutbox.send(this.gone, forGone);
			LoopOutbox.send(this.live, forLive);
		}).get(5, TimeUnit.SECONDS);
		assertThat(ranOnLive.await(5, TimeUnit.SECONDS)).as("the live loop's work ran").isTrue();
		CompletableFuture<Void> outboxDone = new CompletableFuture<>();
		this.sender.execute(() -> outboxDone.complete(null)); // behind the outbox task
		outboxDone.get(5, TimeUnit.SECONDS);
		assertThat(forGone.runs).hasValue(0);
		assertThat(forGone.discards).hasValue(1);
		assertThat(forLive.discards).hasValue(0);
	}

	private void stopGone() throws InterruptedException {
		assertThat(this.gone.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS)).isTrue();
	}

	private static final class Counting implements HeldWork {

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger discards = new AtomicInteger();

		private final CountDownLatch ran;

		Counting() {
			this(new CountDownLatch(1));
		}

		Counting(CountDownLatch ran) {
			this.ran = ran;
		}

		@Override
		public void run() {
			this.runs.incrementAndGet();
			this.ran.countDown();
		}

		@Override
		public void discard() {
			this.discards.incrementAndGet();
		}

	}

}
