package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishes of one channel queued together leave as one command, in queue order and
 * within the caps; every count stays a count of publishes.
 */
class PublishQueueChannelBatchTests {

	private static final int MAX_COUNT = 3;

	private static final int MAX_BYTES = 10;

	// What reached the wire, in order: "channel:[bodies]", "command" and "flush".
	private final List<String> wire = new ArrayList<>();

	private final List<CompletableFuture<Long>> replies = new ArrayList<>();

	private final List<Throwable> failures = new ArrayList<>();

	// The dispatcher thread's tasks, run when the test says.
	private final Queue<Runnable> dispatcher = new ArrayDeque<>();

	private PublishQueue queue = queue(100);

	@Test
	void publishesOfOneChannelQueuedTogetherLeaveAsOneCommandInQueueOrder() {
		this.queue.setOpen(true);
		offer("x", "a1");
		offer("y", "b1");
		offer("x", "a2");
		offer("y", "b2");
		runDispatcher();
		assertThat(this.wire).containsExactly("x:[a1, a2]", "y:[b1, b2]", "flush");
		this.replies.forEach((reply) -> reply.complete(1L));
		assertThat(this.queue.published()).as("publishes, not commands").isEqualTo(4);
	}

	@Test
	void aLonePublishLeavesAtOnceWithoutWaitingForCompany() {
		this.queue.setOpen(true);
		offer("x", "alone");
		runDispatcher();
		assertThat(this.wire).containsExactly("x:[alone]", "flush");
	}

	@Test
	void aBatchHoldsAtMostItsCountAndBytesAndALargerPublishLeavesAlone() {
		this.queue.setOpen(true);
		offer("x", "1");
		offer("x", "2");
		offer("x", "3");
		offer("x", "4");
		offer("x", "12345678");
		offer("x", "abc");
		offer("x", "a-body-past-the-cap");
		offer("x", "z");
		runDispatcher();
		// "abc" would make 3 publishes but 12 bytes.
		assertThat(this.wire).containsExactly("x:[1, 2, 3]", "x:[4, 12345678]", "x:[abc]", "x:[a-body-past-the-cap]",
				"x:[z]", "flush");
	}

	@Test
	void aQueuedCommandGoesAfterThePublishesBeforeItAndBeforeThoseAfterIt() {
		this.queue.setOpen(true);
		offer("x", "a");
		this.queue.offer(new PublishQueue.Command() {

			@Override
			public Mono<?> send() {
				PublishQueueChannelBatchTests.this.wire.add("command");
				return Mono.just(1L);
			}

			@Override
			public void failed(boolean retry) {
			}

		});
		offer("x", "b");
		runDispatcher();
		assertThat(this.wire).containsExactly("x:[a]", "command", "x:[b]", "flush");
	}

	@Test
	void theInFlightBoundCountsPublishes() {
		this.queue = queue(100, 3, 10);
		this.queue.setOpen(true);
		for (String body : List.of("a", "b", "c", "d", "e")) {
			offer("x", body);
		}
		runDispatcher();
		assertThat(this.wire).containsExactly("x:[a, b, c]", "flush");
		this.replies.get(0).complete(1L);
		runDispatcher();
		assertThat(this.wire).endsWith("x:[d, e]", "flush");
		assertThat(this.queue.published()).isEqualTo(3);
	}

	@Test
	void aFailedBatchFailsEachOfItsPublishesAsALoneFailedPublishFails() {
		this.queue.setOpen(true);
		offer("x", "a");
		offer("x", "b");
		runDispatcher();
		this.replies.get(0).completeExceptionally(new IllegalStateException("connection lost"));
		assertThat(this.queue.errors()).as("each publish failed").isEqualTo(2);
		assertThat(this.queue.buffered()).as("both wait to go out again").isEqualTo(2);
		assertThat(this.failures).as("the link is told once per failed command").hasSize(1);

		for (int attempt = 1; attempt < PublishQueue.MAX_ATTEMPTS; attempt++) {
			this.queue.setOpen(true);
			runDispatcher();
			assertThat(this.wire).as("again together, in order").endsWith("x:[a, b]", "flush");
			this.replies.get(attempt).completeExceptionally(new IllegalStateException("connection lost"));
		}
		assertThat(this.queue.dropped()).as("each publish dropped after its last attempt").isEqualTo(2);
		assertThat(this.queue.errors()).isEqualTo(2L * PublishQueue.MAX_ATTEMPTS);
		assertThat(this.queue.buffered()).isZero();
		assertThat(this.queue.published()).isZero();
	}

	private PublishQueue queue(int capacity) {
		return queue(capacity, 100, MAX_COUNT);
	}

	private PublishQueue queue(int capacity, int maxInFlight, int maxCount) {
		return new PublishQueue(capacity, maxInFlight, maxCount, MAX_BYTES, this::write, () -> this.wire.add("flush"),
				this.failures::add, () -> {
				}, this.dispatcher::add);
	}

	private void runDispatcher() {
		Runnable task;
		while ((task = this.dispatcher.poll()) != null) {
			task.run();
		}
	}

	private void offer(String channel, String body) {
		this.queue.offer(ByteBuffer.wrap(channel.getBytes(StandardCharsets.UTF_8)),
				ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
	}

	private CompletionStage<?> write(ByteBuffer channel, List<ByteBuffer> bodies) {
		this.wire.add(StandardCharsets.UTF_8.decode(channel) + ":"
				+ bodies.stream()
					.map((body) -> StandardCharsets.UTF_8.decode(body).toString())
					.collect(Collectors.joining(", ", "[", "]")));
		CompletableFuture<Long> reply = new CompletableFuture<>();
		this.replies.add(reply);
		return reply;
	}

}
