package dev.wspubsub.internal.transport;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link EarlyFrames} holds between the 101 and the connection's open: each frame
 * (or chunk of undecoded bytes) as it was read, up to 64, handed on in order at open; one
 * more closes the connection and releases what was held. A socket test cannot reach the
 * limit: frames in the packet of the upgrade request arrive as one chunk of bytes (see
 * {@code FirstMessageTests}).
 */
class EarlyFramesTests {

	@Test
	void sixtyFourItemsReadBeforeOpenAreHandedOnInOrderAtOpen() {
		Recorder recorder = new Recorder();
		EarlyFrames early = new EarlyFrames();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast(EarlyFrames.NAME, early).addLast(recorder);
		List<Object> sent = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			Object item = (i % 2 == 0) ? new TextWebSocketFrame("frame-" + i) : Unpooled.copyInt(i);
			sent.add(item);
			channel.writeInbound(item);
		}
		assertThat(recorder.received).as("nothing passes before open").isEmpty();
		early.release();
		assertThat(recorder.received).containsExactlyElementsOf(sent);
		assertThat(channel.pipeline().get(EarlyFrames.NAME)).isNull();
		assertThat(channel.isOpen()).isTrue();
		recorder.received.forEach(ReferenceCountUtil::release);
		channel.finishAndReleaseAll();
	}

	@Test
	void aSixtyFifthItemReadBeforeOpenClosesTheConnectionAndReleasesEverything() {
		Recorder recorder = new Recorder();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast(EarlyFrames.NAME, new EarlyFrames()).addLast(recorder);
		List<ByteBuf> sent = new ArrayList<>();
		for (int i = 0; i < 65; i++) {
			TextWebSocketFrame frame = new TextWebSocketFrame("frame-" + i);
			sent.add(frame.content());
			channel.writeInbound(frame);
		}
		assertThat(channel.isOpen()).isFalse();
		assertThat(recorder.received).isEmpty();
		assertThat(sent).allSatisfy((content) -> assertThat(content.refCnt()).isZero());
	}

	/** Records what reaches the handler after {@link EarlyFrames}. */
	private static final class Recorder extends ChannelInboundHandlerAdapter {

		final List<Object> received = new ArrayList<>();

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.received.add(msg);
		}

	}

}
