package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The road to Redis when sends fail, as Lettuce fails them when its connection breaks.
 */
class PublishQueueTests {

	private final List<String> sent = new ArrayList<>();

	private final List<Throwable> failures = new ArrayList<>();

	private boolean linkUp = true;

	// Runs dispatch inline: the test is the one dispatcher thread.
	private final PublishQueue queue = new PublishQueue(100, 10, 1, Integer.MAX_VALUE,
			(channel, bodies) -> send(channel, bodies.get(0)), () -> {
			}, this.failures::add, () -> {
			}, Runnable::run);

	@Test
	void publishesThatFailWhenTheLinkBreaksGoOutAgainInOrderOnceItIsReopened() {
		this.queue.setOpen(true);
		offer("a");
		this.linkUp = false;
		offer("b");
		offer("c");
		assertThat(this.failures).as("the first failure pauses dispatch").hasSize(1);
		assertThat(this.queue.buffered()).isEqualTo(2);

		this.linkUp = true;
		this.queue.setOpen(true);
		assertThat(this.sent).containsExactly("a", "b", "c");
		assertThat(this.queue.dropped()).isZero();
		assertThat(this.queue.buffered()).isZero();
	}

	@Test
	void aPublishThatKeepsFailingIsDroppedAndCountedAfterItsLastAttempt() {
		this.linkUp = false;
		this.queue.setOpen(true);
		offer("a");
		for (int attempt = 1; attempt < PublishQueue.MAX_ATTEMPTS; attempt++) {
			this.queue.setOpen(true);
		}
		assertThat(this.failures).hasSize(PublishQueue.MAX_ATTEMPTS);
		assertThat(this.queue.dropped()).isEqualTo(1);
		assertThat(this.queue.buffered()).isZero();
	}

	private void offer(String text) {
		this.queue.offer(ByteBuffer.wrap("ch".getBytes(StandardCharsets.UTF_8)),
				ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
	}

	private CompletionStage<?> send(ByteBuffer channel, ByteBuffer body) {
		if (!this.linkUp) {
			return CompletableFuture
				.failedFuture(new IllegalStateException("Currently not connected. Commands are rejected."));
		}
		this.sent.add(StandardCharsets.UTF_8.decode(body).toString());
		return CompletableFuture.completedFuture(1L);
	}

}
