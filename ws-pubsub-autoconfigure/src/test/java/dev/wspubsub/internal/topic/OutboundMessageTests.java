package dev.wspubsub.internal.topic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two forms of a message: small ones as a byte array copied per subscriber, larger
 * ones as one shared frame. Both must put the same bytes on the wire and answer the same.
 */
class OutboundMessageTests {

	private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 125, 126, 127, 1020, 1021, 1022, 4000, 65535, 65536 })
	void everyPayloadLengthIsFramedAsRfc6455SaysWhicheverFormItTakes(int length) {
		byte[] payload = new byte[length];
		Arrays.fill(payload, (byte) 'x');
		OutboundMessage message = OutboundMessage.bytes(this.allocator, payload, true, false);
		try {
			int header = (length < 126) ? 2 : (length < 65536) ? 4 : 10;
			assertThat(message.isSmall()).as("small form")
				.isEqualTo(header + length <= OutboundMessage.SMALL_FRAME_MAX);
			assertThat(message.frameLength()).isEqualTo(header + length);
			assertThat(message.payloadLength()).isEqualTo(length);
			byte[] copied = copiedFrame(message);
			assertThat(copied).isEqualTo(expectedFrame(0x1, payload));
			assertThat(readAndRelease(message.retainedFrame())).isEqualTo(copied);
			if (message.isSmall()) {
				// The form the cork buffer gathers, at an offset into its array
				byte[] staged = new byte[3 + copied.length];
				assertThat(message.copySmallFrameTo(staged, 3)).isEqualTo(copied.length);
				assertThat(Arrays.copyOfRange(staged, 3, staged.length)).isEqualTo(copied);
			}
		}
		finally {
			message.release();
		}
	}

	@Test
	void aSmallMessageIsACopyThatLaterChangesToTheCallersArrayDoNotReach() {
		byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
		OutboundMessage message = OutboundMessage.bytes(this.allocator, payload, false, false);
		payload[0] = 'J';
		assertThat(message.isSmall()).isTrue();
		assertThat(message.bytes()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
		message.bytes()[0] = 'Y';
		assertThat(copiedFrame(message)).isEqualTo(expectedFrame(0x2, "hello".getBytes(StandardCharsets.UTF_8)));
	}

	@ParameterizedTest
	@ValueSource(ints = { 10, 300, 341, 342, 1000, 3000 })
	void textIsUtf8InEitherFormAndReadsBackTheSame(int repeats) {
		String text = "é€".repeat(repeats / 2) + "a".repeat(repeats % 2);
		OutboundMessage message = OutboundMessage.text(this.allocator, text, true);
		try {
			byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
			assertThat(message.isText()).isTrue();
			assertThat(message.compress()).isTrue();
			assertThat(message.text()).isEqualTo(text);
			assertThat(message.bytes()).isEqualTo(utf8);
			assertThat(copiedFrame(message)).isEqualTo(expectedFrame(0x1, utf8));
			assertThat(readAndRelease(message.retainedPayload())).isEqualTo(utf8);
		}
		finally {
			message.release();
		}
	}

	@Test
	void aSharedFrameIsFreedWhenItsLastHolderReleasesIt() {
		OutboundMessage message = OutboundMessage.bytes(this.allocator, new byte[2000], false, false);
		assertThat(message.isSmall()).isFalse();
		ByteBuf duplicate = message.retainedFrame();
		message.retain();
		message.release();
		message.release();
		assertThat(duplicate.refCnt()).as("still held by the duplicate").isEqualTo(1);
		duplicate.release();
		assertThat(duplicate.refCnt()).isZero();
	}

	private static byte[] readAndRelease(ByteBuf retained) {
		try {
			return ByteBufUtil.getBytes(retained);
		}
		finally {
			retained.release();
		}
	}

	private static byte[] copiedFrame(OutboundMessage message) {
		ByteBuf target = Unpooled.buffer();
		message.copyFrameTo(target);
		return ByteBufUtil.getBytes(target);
	}

	private static byte[] expectedFrame(int opcode, byte[] payload) {
		ByteBuf frame = Unpooled.buffer();
		frame.writeByte(0x80 | opcode);
		if (payload.length < 126) {
			frame.writeByte(payload.length);
		}
		else if (payload.length < 65536) {
			frame.writeByte(126).writeShort(payload.length);
		}
		else {
			frame.writeByte(127).writeLong(payload.length);
		}
		frame.writeBytes(payload);
		return ByteBufUtil.getBytes(frame);
	}

}
