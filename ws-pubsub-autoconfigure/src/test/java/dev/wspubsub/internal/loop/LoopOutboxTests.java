package dev.wspubsub.internal.loop;

import java.util.ArrayList;
import java.util.List;
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
 * Work handed from one loop to another: in order across batches, and, for a loop that has
 * shut down, as happens when an application stops mid-publish, released instead of run.
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

	@Test
	void aHandoffForAShutDownLoopHasItsArgumentsDiscarded() throws Exception {
		stopGone();
		List<String> discarded = new ArrayList<>();
		LoopOutbox.Handoff<String, String, String, String> handoff = new LoopOutbox.Handoff<>() {

			@Override
			public void run(String a, String b, String c, String d) {
				throw new AssertionError("ran on a loop that has shut down");
			}

			@Override
			public void discard(String a, String b, String c, String d) {
				discarded.add(a + b + c + d);
			}

		};
		this.sender.submit(() -> LoopOutbox.send(this.gone, handoff, "a", "b", "c", "d")).get(5, TimeUnit.SECONDS);
		CompletableFuture<Void> outboxDone = new CompletableFuture<>();
		this.sender.execute(() -> outboxDone.complete(null)); // behind the outbox task
		outboxDone.get(5, TimeUnit.SECONDS);
		assertThat(discarded).containsExactly("abcd");
	}

	@Test
	void workKeepsItsOrderAcrossFullBatchesAndReusedOnes() throws Exception {
		List<Integer> ran = new ArrayList<>(); // touched on the live loop only
		LoopOutbox.Handoff<List<Integer>, Integer, String, String> record = (list, i, unused, alsoUnused) -> list
			.add(i);
		int[] sizes = { 1300, 7, 520, 1 }; // more than a full batch, then fewer than the
											// last
		int next = 0;
		for (int size : sizes) {
			int from = next;
			// From an event loop, so the work is batched; every other item a Runnable.
			this.sender.submit(() -> {
				for (int i = from; i < from + size; i++) {
					int item = i;
					if (i % 2 == 0) {
						LoopOutbox.send(this.live, record, ran, item, "", "");
					}
					else {
						LoopOutbox.send(this.live, () -> ran.add(item));
					}
				}
			}).get(5, TimeUnit.SECONDS);
			next += size;
			CompletableFuture<Void> shipped = new CompletableFuture<>();
			this.sender.execute(() -> shipped.complete(null)); // behind the outbox task
			shipped.get(5, TimeUnit.SECONDS);
			CompletableFuture<Integer> count = new CompletableFuture<>();
			this.live.execute(() -> count.complete(ran.size())); // behind the batches
			assertThat(count.get(5, TimeUnit.SECONDS)).as("every item sent so far ran once").isEqualTo(next);
		}
		CompletableFuture<List<Integer>> all = new CompletableFuture<>();
		this.live.execute(() -> all.complete(new ArrayList<>(ran)));
		List<Integer> expected = new ArrayList<>();
		for (int i = 0; i < next; i++) {
			expected.add(i);
		}
		assertThat(all.get(5, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
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
