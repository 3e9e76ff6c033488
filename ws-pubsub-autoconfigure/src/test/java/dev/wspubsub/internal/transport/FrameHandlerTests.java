package dev.wspubsub.internal.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameHandler} behind {@link WsFrameDecoder}, as {@link Upgrader} puts them in
 * the pipeline: bytes become whole messages (a fragmented one reassembled around a ping),
 * a close frame's body is checked, and a frame Reactor's decoder made before ours took
 * over is handled the same way and released.
 */
class FrameHandlerTests {

	private static final int LIMIT = 1 << 20;

	@Test
	void bytesReadThroughTheDecoderReachTheHandlerAsWholeMessages() {
		try (EmbeddedConnection embedded = new EmbeddedConnection(LIMIT, false)) {
			install(embedded);
			embedded.channel.writeInbound(bytes(WsFrameDecoderTests.frame(0x81, utf8("hello")),
					WsFrameDecoderTests.frame(0x01, utf8("wor")), WsFrameDecoderTests.frame(0x89, utf8("p")),
					WsFrameDecoderTests.frame(0x80, utf8("ld")), WsFrameDecoderTests.frame(0x82, new byte[3])));
			assertThat(embedded.handler.events).containsExactly("text:hello", "ping", "text:world", "binary:3");
		}
	}

	@Test
	void aCloseFrameWhoseReasonIsNotUtf8ClosesWith1007() {
		try (EmbeddedConnection embedded = new EmbeddedConnection(LIMIT, false)) {
			install(embedded);
			byte[] body = { 0x03, (byte) 0xE8, (byte) 0xC0, (byte) 0x80 };
			embedded.channel.writeInbound(bytes(WsFrameDecoderTests.frame(0x88, body)));
			List<Object> written = embedded.written();
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(CloseCodes.INVALID_PAYLOAD);
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void aCloseFrameWithAValidCodeIsEchoed() {
		try (EmbeddedConnection embedded = new EmbeddedConnection(LIMIT, false)) {
			install(embedded);
			byte[] body = { 0x0F, (byte) 0xA0, 'b', 'y', 'e' }; // 4000
			embedded.channel.writeInbound(bytes(WsFrameDecoderTests.frame(0x88, body)));
			List<Object> written = embedded.written();
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(4000);
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void aFrameDecodedBeforeOurDecoderTookOverIsHandledAndReleased() {
		try (EmbeddedConnection embedded = new EmbeddedConnection(LIMIT, false)) {
			install(embedded);
			TextWebSocketFrame early = new TextWebSocketFrame("early");
			embedded.channel.writeInbound(early);
			assertThat(embedded.handler.events).containsExactly("text:early");
			assertThat(early.refCnt()).isZero();
		}
	}

	@Test
	void aFrameDecodedBeforeOurDecoderTookOverWithReservedBitsClosesWith1002() {
		try (EmbeddedConnection embedded = new EmbeddedConnection(LIMIT, false)) {
			install(embedded);
			TextWebSocketFrame early = new TextWebSocketFrame(true, 0b100,
					Unpooled.copiedBuffer("z", StandardCharsets.UTF_8));
			embedded.channel.writeInbound(early);
			List<Object> written = embedded.written();
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(CloseCodes.PROTOCOL_ERROR);
			assertThat(embedded.handler.events).doesNotContain("text:z");
			assertThat(early.refCnt()).isZero();
			EmbeddedConnection.release(written);
		}
	}

	private static void install(EmbeddedConnection embedded) {
		FrameHandler frames = new FrameHandler(embedded.connection(), new SessionRegistry(WsMetricsListener.NONE),
				null);
		embedded.channel.pipeline().addLast(new WsFrameDecoder(frames, LIMIT, false), frames);
	}

	private static ByteBuf bytes(byte[]... frames) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] frame : frames) {
			out.writeBytes(frame);
		}
		return Unpooled.wrappedBuffer(out.toByteArray());
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
