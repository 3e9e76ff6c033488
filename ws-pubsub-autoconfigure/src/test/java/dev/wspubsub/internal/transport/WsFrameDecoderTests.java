package dev.wspubsub.internal.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.CloseCodes;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link WsFrameDecoder} hands on and what it refuses, fed the same bytes whole,
 * byte by byte and in odd splits: every frame whole and unmasked, each violation once
 * with Netty's close code, nothing after it or after a close frame, and every buffer it
 * was given released.
 */
class WsFrameDecoderTests {

	private static final int LIMIT = 100_000;

	private static final byte[] KEY = { 0x37, (byte) 0xFA, 0x21, (byte) 0x9C };

	private final Recorder frames = new Recorder();

	private final List<ByteBuf> given = new ArrayList<>();

	@Test
	void framesOfEveryLengthEncodingAreHandedOnUnmaskedWhateverTheSplit() {
		byte[] stream = concat(frame(0x81, text("hi")), frame(0x82, new byte[0]), frame(0x81, pattern(125)),
				frame(0x82, pattern(126)), frame(0x81, pattern(300)), frame(0x82, pattern(65535)),
				frame(0x82, pattern(65536)), frame(0x82, pattern(70001)), frame(0x89, pattern(7)),
				frame(0x8A, new byte[0]));
		List<String> expected = List.of("text fin 2 " + hash(text("hi")), "binary fin 0 " + hash(new byte[0]),
				"text fin 125 " + hash(pattern(125)), "binary fin 126 " + hash(pattern(126)),
				"text fin 300 " + hash(pattern(300)), "binary fin 65535 " + hash(pattern(65535)),
				"binary fin 65536 " + hash(pattern(65536)), "binary fin 70001 " + hash(pattern(70001)),
				"ping fin 7 " + hash(pattern(7)), "pong fin 0 " + hash(new byte[0]));
		for (int[] split : new int[][] { { stream.length }, { 1 }, { 2, 3 }, { 7, 1, 13 }, { 4096, 1 },
				{ 65537, 3 } }) {
			Recorder recorder = new Recorder();
			EmbeddedChannel channel = channel(recorder, false);
			feed(channel, stream, split);
			assertThat(recorder.events).as("split %s", Arrays.toString(split)).containsExactlyElementsOf(expected);
			channel.finishAndReleaseAll();
		}
		assertAllReleased();
	}

	@Test
	void unmaskingIsRightForEveryTailLength() {
		EmbeddedChannel channel = channel(this.frames, false);
		List<String> expected = new ArrayList<>();
		for (int length = 0; length <= 20; length++) {
			feed(channel, frame(0x82, pattern(length)), new int[] { 1 << 20 });
			expected.add("binary fin " + length + " " + hash(pattern(length)));
		}
		assertThat(this.frames.events).containsExactlyElementsOf(expected);
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@Test
	void aFragmentedMessageMayHaveControlFramesBetweenItsFragments() {
		EmbeddedChannel channel = channel(this.frames, false);
		feed(channel, concat(frame(0x01, text("a")), frame(0x89, text("p")), frame(0x00, text("b")),
				frame(0x80, text("c")), frame(0x81, text("d"))), new int[] { 3 });
		assertThat(this.frames.events).containsExactly("text more 1 " + hash(text("a")),
				"ping fin 1 " + hash(text("p")), "continuation more 1 " + hash(text("b")),
				"continuation fin 1 " + hash(text("c")), "text fin 1 " + hash(text("d")));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@Test
	void rsv1MarksTheFirstFrameOfACompressedMessageOnlyWhenDeflateWasAgreed() {
		EmbeddedChannel channel = channel(this.frames, true);
		feed(channel, concat(frame(0x41, text("z")), frame(0x80, text("y"))), new int[] { 1 });
		assertThat(this.frames.events).containsExactly("text more compressed 1 " + hash(text("z")),
				"continuation fin 1 " + hash(text("y")));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@ParameterizedTest
	@ValueSource(strings = { "unmasked", "rsv1 without deflate", "rsv2", "rsv3", "reserved data opcode",
			"reserved control opcode", "fragmented ping", "ping of 126 bytes", "close of 1 byte",
			"16-bit length under 126", "64-bit length under 65536", "64-bit length with its top bit set",
			"continuation outside a message", "text inside a fragmented message",
			"binary inside a fragmented message" })
	void aProtocolViolationIsReportedOnceWith1002AndWhatFollowsIsDiscarded(String violation) {
		byte[] bad = switch (violation) {
			case "unmasked" -> concat(new byte[] { (byte) 0x81, 0x02 }, text("hi"));
			case "rsv1 without deflate" -> frame(0xC1, text("hi"));
			case "rsv2" -> frame(0xA1, text("hi"));
			case "rsv3" -> frame(0x91, text("hi"));
			case "reserved data opcode" -> frame(0x83, text("hi"));
			case "reserved control opcode" -> frame(0x8B, text("hi"));
			case "fragmented ping" -> frame(0x09, text("hi"));
			case "ping of 126 bytes" -> frame(0x89, pattern(126));
			case "close of 1 byte" -> frame(0x88, new byte[] { 3 });
			case "16-bit length under 126" -> header(0x82, 126, 0, 125);
			case "64-bit length under 65536" -> header(0x82, 127, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF);
			case "64-bit length with its top bit set" -> header(0x82, 127, 0x80, 0, 0, 0, 0, 1, 0, 0);
			case "continuation outside a message" -> frame(0x80, text("hi"));
			case "text inside a fragmented message" -> concat(frame(0x01, text("a")), frame(0x81, text("b")));
			case "binary inside a fragmented message" -> concat(frame(0x01, text("a")), frame(0x82, text("b")));
			default -> throw new IllegalArgumentException(violation);
		};
		assertRefused(bad, CloseCodes.PROTOCOL_ERROR, false);
	}

	@Test
	void rsv1IsRefusedOnAContinuationAndOnAControlFrameEvenWithDeflate() {
		assertRefused(concat(frame(0x41, text("a")), frame(0xC0, text("b"))), CloseCodes.PROTOCOL_ERROR, true);
		assertRefused(frame(0xC9, text("p")), CloseCodes.PROTOCOL_ERROR, true);
		assertRefused(frame(0xE1, text("p")), CloseCodes.PROTOCOL_ERROR, true);
	}

	@Test
	void aFrameOverTheLimitIsRefusedWith1009FromItsHeaderAlone() {
		// Only the header of a frame one byte over the limit: its payload never comes.
		byte[] header = header(0x82, 127, 0, 0, 0, 0, 0, (LIMIT + 1) >> 16, ((LIMIT + 1) >> 8) & 0xFF,
				(LIMIT + 1) & 0xFF);
		assertRefused(header, CloseCodes.MESSAGE_TOO_BIG, false);
	}

	@Test
	void aFrameOfExactlyTheLimitIsHandedOn() {
		EmbeddedChannel channel = channel(this.frames, false);
		feed(channel, frame(0x82, pattern(LIMIT)), new int[] { 8191 });
		assertThat(this.frames.events).containsExactly("binary fin " + LIMIT + " " + hash(pattern(LIMIT)));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@Test
	void nothingIsReadAfterTheClosingFrame() {
		EmbeddedChannel channel = channel(this.frames, false);
		byte[] close = frame(0x88, new byte[] { 0x03, (byte) 0xE8 });
		feed(channel, concat(close, frame(0x81, text("after")), new byte[] { (byte) 0xFF, 0 }), new int[] { 5 });
		feed(channel, frame(0x81, text("later read")), new int[] { 100 });
		assertThat(this.frames.events).containsExactly("close fin 2 " + hash(new byte[] { 0x03, (byte) 0xE8 }));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@Test
	void aFrameCutOffByTheClosedConnectionIsReleased() {
		EmbeddedChannel channel = channel(this.frames, false);
		byte[] frame = frame(0x82, pattern(5000));
		feed(channel, Arrays.copyOf(frame, 3000), new int[] { 1000 });
		assertThat(this.frames.events).isEmpty();
		assertThat(this.given).as("the bytes held").anySatisfy((buf) -> assertThat(buf.refCnt()).isPositive());
		channel.close();
		assertAllReleased();
	}

	@Test
	void whileReadingIsPausedAReadWithoutAWholeFrameAsksForMoreAndOneWithAFrameDoesNot() {
		AtomicInteger reads = new AtomicInteger();
		EmbeddedChannel channel = channel(this.frames, false);
		channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
			@Override
			public void read(ChannelHandlerContext ctx) {
				reads.incrementAndGet();
			}
		});
		channel.config().setAutoRead(false);
		byte[] frame = frame(0x81, text("paused"));
		feed(channel, Arrays.copyOf(frame, 4), new int[] { 4 });
		assertThat(reads).as("reads asked for after half a frame").hasValue(1);
		feed(channel, Arrays.copyOfRange(frame, 4, frame.length), new int[] { 100 });
		assertThat(reads).as("reads asked for after the frame completed").hasValue(1);
		assertThat(this.frames.events).containsExactly("text fin 6 " + hash(text("paused")));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@Test
	void aSinkThatMovesTheLentBuffersIndexesDoesNotDisturbTheFramesAfter() {
		Recorder greedy = new Recorder() {
			@Override
			public void frame(int opcode, boolean fin, boolean compressed, ByteBuf payload) {
				super.frame(opcode, fin, compressed, payload);
				payload.skipBytes(payload.readableBytes());
				payload.writerIndex(payload.readerIndex());
			}
		};
		EmbeddedChannel channel = channel(greedy, false);
		feed(channel, concat(frame(0x81, text("one")), frame(0x81, text("two"))), new int[] { 1 << 20 });
		assertThat(greedy.events).containsExactly("text fin 3 " + hash(text("one")), "text fin 3 " + hash(text("two")));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	@Test
	void aReadOnlyBufferIsUnmaskedInACopyAndLeftAsItWas() {
		EmbeddedChannel channel = channel(this.frames, false);
		byte[] frame = frame(0x81, text("read-only"));
		ByteBuf readOnly = Unpooled.wrappedBuffer(frame.clone()).asReadOnly();
		this.given.add(readOnly);
		channel.writeInbound(readOnly);
		assertThat(this.frames.events).containsExactly("text fin 9 " + hash(text("read-only")));
		channel.finishAndReleaseAll();
		assertAllReleased();
	}

	private void assertRefused(byte[] bad, int code, boolean deflate) {
		for (int[] split : new int[][] { { 1 << 20 }, { 1 } }) {
			Recorder recorder = new Recorder();
			EmbeddedChannel channel = channel(recorder, deflate);
			feed(channel, concat(bad, frame(0x81, text("after"))), split);
			feed(channel, frame(0x81, text("next read")), split);
			assertThat(recorder.violations).as("split %s", Arrays.toString(split)).hasSize(1);
			assertThat(recorder.violations.get(0)).startsWith(code + " ");
			assertThat(recorder.events)
				.noneMatch((event) -> event.endsWith(hash(text("after"))) || event.endsWith(hash(text("next read"))));
			channel.finishAndReleaseAll();
		}
		assertAllReleased();
	}

	private EmbeddedChannel channel(Recorder recorder, boolean deflate) {
		EmbeddedChannel channel = new EmbeddedChannel(new WsFrameDecoder(recorder, LIMIT, deflate));
		channel.config().setAllocator(new AbstractByteBufAllocator(false) {
			// What the decoder allocates (a grown cumulation, a copy) must be released
			// too.
			@Override
			protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
				return given(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
			}

			@Override
			protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
				return given(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
			}

			@Override
			public boolean isDirectBufferPooled() {
				return false;
			}
		});
		return channel;
	}

	private ByteBuf given(ByteBuf buf) {
		this.given.add(buf);
		return buf;
	}

	/**
	 * Writes {@code bytes} in chunks of the sizes in {@code split}, the last repeated.
	 */
	private void feed(EmbeddedChannel channel, byte[] bytes, int[] split) {
		int offset = 0;
		for (int i = 0; offset < bytes.length; i++) {
			int size = Math.min(split[Math.min(i, split.length - 1)], bytes.length - offset);
			ByteBuf chunk = Unpooled.buffer(size + 16).writeBytes(bytes, offset, size);
			this.given.add(chunk);
			channel.writeInbound(chunk);
			offset += size;
		}
	}

	private void assertAllReleased() {
		assertThat(this.given).allSatisfy((buf) -> assertThat(buf.refCnt()).as("refCnt of a buffer read").isZero());
	}

	/** A masked frame with the shortest length encoding. */
	static byte[] frame(int first, byte[] payload) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(first);
		if (payload.length < 126) {
			out.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			out.write(0x80 | 126);
			out.write(payload.length >> 8);
			out.write(payload.length & 0xFF);
		}
		else {
			out.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				out.write((int) ((long) payload.length >> shift) & 0xFF);
			}
		}
		out.writeBytes(KEY);
		for (int i = 0; i < payload.length; i++) {
			out.write(payload[i] ^ KEY[i % 4]);
		}
		return out.toByteArray();
	}

	/** A masked header with the length field and extended length given as they are. */
	private static byte[] header(int first, int lengthField, int... extended) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(first);
		out.write(0x80 | lengthField);
		for (int b : extended) {
			out.write(b);
		}
		out.writeBytes(KEY);
		return out.toByteArray();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] pattern(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (i * 31 + length);
		}
		return bytes;
	}

	private static String hash(byte[] bytes) {
		return "#" + Integer.toHexString(Arrays.hashCode(bytes));
	}

	/** Records each frame as "opcode fin|more [compressed] length #hash". */
	private static class Recorder implements WsFrameDecoder.Frames {

		final List<String> events = new ArrayList<>();

		final List<String> violations = new ArrayList<>();

		@Override
		public void frame(int opcode, boolean fin, boolean compressed, ByteBuf payload) {
			String name = switch (opcode) {
				case WsFrameDecoder.TEXT -> "text";
				case WsFrameDecoder.BINARY -> "binary";
				case WsFrameDecoder.CONTINUATION -> "continuation";
				case WsFrameDecoder.PING -> "ping";
				case WsFrameDecoder.PONG -> "pong";
				case WsFrameDecoder.CLOSE -> "close";
				default -> "opcode " + opcode;
			};
			this.events.add(name + (fin ? " fin" : " more") + (compressed ? " compressed " : " ")
					+ payload.readableBytes() + " " + hash(ByteBufUtil.getBytes(payload)));
		}

		@Override
		public void violation(int closeCode, String reason) {
			this.violations.add(closeCode + " " + reason);
		}

	}

}
