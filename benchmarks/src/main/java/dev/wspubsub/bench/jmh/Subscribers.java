package dev.wspubsub.bench.jmh;

import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/** Subscribers for the registry benchmarks; both deliver on the publishing thread. */
final class Subscribers {

	private Subscribers() {
	}

	/**
	 * Takes and drops its own duplicate of the frame: the registry's cost and the
	 * refcount work, no I/O.
	 */
	static final class Counting implements TopicSubscriber {

		long delivered;

		@Override
		public @Nullable EventLoop eventLoop() {
			return null;
		}

		@Override
		public void deliver(String topic, OutboundMessage message) {
			ByteBuf frame = message.retainedFrame();
			this.delivered += frame.readableBytes();
			frame.release();
		}

	}

	/**
	 * Writes its duplicate through a real channel pipeline ({@link EmbeddedChannel})
	 * whose outbound end discards it: adds the pipeline traversal a connection pays per
	 * message.
	 */
	static final class Channel implements TopicSubscriber {

		final EmbeddedChannel channel = new EmbeddedChannel(new Discard());

		@Override
		public @Nullable EventLoop eventLoop() {
			// Each EmbeddedChannel has a loop of its own; null keeps them in one group
			return null;
		}

		@Override
		public void deliver(String topic, OutboundMessage message) {
			this.channel.write(message.retainedFrame(), this.channel.voidPromise());
		}

	}

	private static final class Discard extends ChannelOutboundHandlerAdapter {

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			ReferenceCountUtil.release(msg);
		}

	}

}
