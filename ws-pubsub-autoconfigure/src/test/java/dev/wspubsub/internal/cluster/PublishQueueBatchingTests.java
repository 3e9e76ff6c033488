package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How publishes reach the wire: a burst is written and then sent with one flush (as a
 * pipelining client does), and replies wake the dispatcher only when something waits.
 */
class PublishQueueBatchingTests {

	// What reached the wire, in order: "write x" and "flush".
	private final List<String> wire = new ArrayList<>();

	private final List<CompletableFuture<Long>> replies = new ArrayList<>();

	// The dispatcher thread's tasks, run when the test says.
	private final Queue<Runnable> dispatcher = new ArrayDeque<>();

	private final PublishQueue queue = new PublishQueue(100, 3, 1, Integer.MAX_VALUE,
			(channel, bodies) -> write(channel, bodies.get(0)), () -> this.wire.add("flush"), (error) -> {
			}, () -> {
			}, this.dispatcher::add);

	@Test
	void publishesOfferedWhileTheDispatcherIsBusyAreWrittenTogetherAndSentWithOneFlush() {
		this.queue.setOpen(true);
		offer("a");
		offer("b");
		offer("c");
		assertThat(this.dispatcher).as("one wake-up for the burst").hasSize(1);
		runDispatcher();
		assertThat(this.wire).containsExactly("write a", "write b", "write c", "flush");
	}

	@Test
	void aReplyWakesTheDispatcherOnlyWhenPublishesWaitForRoomInThePipeline() {
		this.queue.setOpen(true);
		offer("a");
		offer("b");
		runDispatcher();
		this.replies.forEach((reply) -> reply.complete(1L));
		assertThat(this.dispatcher).as("nothing waits: replies leave the dispatcher asleep").isEmpty();

		offer("c");
		offer("d");
		offer("e");
		offer("f");
		runDispatcher();
		assertThat(this.wire).containsExactly("write a", "write b", "flush", "write c", "write d", "write e", "flush");
		this.replies.get(2).complete(1L);
		assertThat(this.dispatcher).as("f waits for room in the pipeline").hasSize(1);
		runDispatcher();
		assertThat(this.wire).endsWith("write e", "flush", "write f", "flush");
		assertThat(this.queue.published()).isEqualTo(3);
	}

	private void runDispatcher() {
		Runnable task;
		while ((task = this.dispatcher.poll()) != null) {
			task.run();
		}
	}

	private void offer(String text) {
		this.queue.offer(ByteBuffer.wrap("ch".getBytes(StandardCharsets.UTF_8)),
				ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
	}

	private CompletionStage<?> write(ByteBuffer channel, ByteBuffer body) {
		this.wire.add("write " + StandardCharsets.UTF_8.decode(body));
		CompletableFuture<Long> reply = new CompletableFuture<>();
		this.replies.add(reply);
		return reply;
	}

}
