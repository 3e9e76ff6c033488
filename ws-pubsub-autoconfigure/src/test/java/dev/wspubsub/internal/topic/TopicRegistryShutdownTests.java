package dev.wspubsub.internal.topic;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A publish that races the shutdown of a subscriber's event loop: no exception, no leaked
 * frame.
 */
class TopicRegistryShutdownTests {

	private final EventLoop live = new DefaultEventLoop();

	private final EventLoop gone = new DefaultEventLoop();

	private final TopicRegistry registry = new TopicRegistry();

	@AfterEach
	void shutDown() {
		this.live.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void aLargeMessageForAShutDownLoopIsReleasedAndTheLiveLoopStillGetsIt() throws Exception {
		CountDownLatch delivered = new CountDownLatch(1);
		this.registry.subscribe("room", new Subscriber(this.gone, null));
		this.registry.subscribe("room", new Subscriber(this.live, delivered));
		assertThat(this.gone.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS)).isTrue();
		// Larger than a small frame: a reference-counted buffer that each loop's task
		// retains.
		RecordingAllocator allocator = new RecordingAllocator();
		OutboundMessage message = OutboundMessage.bytes(allocator, new byte[OutboundMessage.SMALL_FRAME_MAX * 4], false,
				false);
		assertThat(this.registry.deliver("room", message, null)).isEqualTo(2);
		assertThat(delivered.await(5, TimeUnit.SECONDS)).as("the live loop's subscriber got it").isTrue();
		ByteBuf frame = Objects.requireNonNull(allocator.last);
		// The task for the gone loop released its reference; the live loop's releases its
		// own once run.
		await().atMost(Duration.ofSeconds(5)).until(frame::refCnt, (count) -> count == 1);
		message.release();
		assertThat(frame.refCnt()).as("freed with the publisher's release").isZero();
	}

	/** Keeps the last buffer it made, unwrapped, to read its reference count. */
	private static final class RecordingAllocator extends AbstractByteBufAllocator {

		volatile @Nullable ByteBuf last;

		RecordingAllocator() {
			super(false);
		}

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
			this.last = buffer;
			return buffer;
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			return newHeapBuffer(initialCapacity, maxCapacity);
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

	}

	private record Subscriber(EventLoop eventLoop, @Nullable CountDownLatch delivered) implements TopicSubscriber {

		@Override
		public void deliver(String topic, OutboundMessage message) {
			if (this.delivered != null) {
				this.delivered.countDown();
			}
		}
	}

}
