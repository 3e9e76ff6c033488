package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The STOMP frame codec on bytes alone: what a client may send in one WebSocket message
 * or across several, and the escaping rules of each version.
 */
class StompCodecTests {

	private final StompDecoder decoder = new StompDecoder(1024);

	@Test
	void aFrameEndsAtItsNulAndItsHeadersKeepTheirOrder() {
		List<StompFrame> frames = decode("SEND\ndestination:/topic/a\nreceipt:7\n\nhello\0");
		assertThat(frames).hasSize(1);
		StompFrame frame = frames.get(0);
		assertThat(frame.command()).isEqualTo(StompCommand.SEND);
		assertThat(frame.headers()).containsExactly(Map.entry("destination", "/topic/a"), Map.entry("receipt", "7"));
		assertThat(frame.bodyText()).isEqualTo("hello");
	}

	@Test
	void severalFramesInOneMessageAreReadInOrder() {
		List<StompFrame> frames = decode("SEND\ndestination:/a\n\none\0\nSEND\ndestination:/b\n\ntwo\0");
		assertThat(frames).extracting(StompFrame::bodyText).containsExactly("one", "two");
		assertThat(this.decoder.heartbeats()).isEqualTo(1);
	}

	@Test
	void aFrameSplitOverSeveralMessagesIsReadOnceWhole() {
		assertThat(decode("SEND\ndestin")).isEmpty();
		assertThat(decode("ation:/a\n\nhel")).isEmpty();
		assertThat(this.decoder.hasPartialFrame()).isTrue();
		List<StompFrame> frames = decode("lo\0SUBSCRIBE\nid:1\ndestination:/b\n\n\0");
		assertThat(frames).extracting(StompFrame::command).containsExactly(StompCommand.SEND, StompCommand.SUBSCRIBE);
		assertThat(frames.get(0).bodyText()).isEqualTo("hello");
		assertThat(this.decoder.hasPartialFrame()).isFalse();
	}

	@Test
	void endOfLineHeartbeatsAloneMakeNoFrame() {
		assertThat(decode("\n")).isEmpty();
		assertThat(decode("\r\n\n")).isEmpty();
		assertThat(decode("\r")).isEmpty();
		assertThat(decode("\n")).isEmpty();
		assertThat(this.decoder.heartbeats()).isEqualTo(4);
		assertThat(this.decoder.hasPartialFrame()).isFalse();
	}

	@Test
	void contentLengthLetsABodyHoldNul() {
		List<StompFrame> frames = decode("SEND\ndestination:/a\ncontent-length:3\n\na\0b\0");
		assertThat(frames.get(0).body()).containsExactly('a', 0, 'b');
	}

	@Test
	void aBodyLongerThanItsContentLengthIsRefused() {
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SEND\ndestination:/a\ncontent-length:1\n\nab\0"))
			.withMessage("no NUL after the 1 bytes of content-length");
	}

	@Test
	void aContentLengthThatIsNoNumberIsRefused() {
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SEND\ndestination:/a\ncontent-length:x\n\n\0"))
			.withMessage("content-length 'x' is not a number of bytes");
	}

	@Test
	void crlfLineEndingsAreRead() {
		List<StompFrame> frames = decode("SEND\r\ndestination:/a\r\n\r\nbody\0");
		assertThat(frames.get(0).header("destination")).isEqualTo("/a");
		assertThat(frames.get(0).bodyText()).isEqualTo("body");
	}

	@Test
	void theFirstOfARepeatedHeaderWins() {
		StompFrame frame = decode("SEND\ndestination:/a\ndestination:/b\n\n\0").get(0);
		assertThat(frame.header("destination")).isEqualTo("/a");
	}

	@Test
	void headerEscapesOfStomp12AreUnescaped() {
		StompFrame frame = decode("SEND\ndestination:/a\nx\\cy:a\\nb\\\\c\\rd\n\n\0").get(0);
		assertThat(frame.header("x:y")).isEqualTo("a\nb\\c\rd");
	}

	@Test
	void anUndefinedEscapeIsRefused() {
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SEND\ndestination:/a\nx:a\\tb\n\n\0"))
			.withMessage("undefined escape sequence \\t in header 'x'");
	}

	@Test
	void stomp11DoesNotKnowTheCarriageReturnEscape() {
		this.decoder.version(StompVersion.V1_1);
		assertThat(decode("SEND\ndestination:/a\nx:a\\cb\n\n\0").get(0).header("x")).isEqualTo("a:b");
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SEND\ndestination:/a\nx:a\\rb\n\n\0"))
			.withMessage("undefined escape sequence \\r in header 'x'");
	}

	@Test
	void stomp10AndConnectFramesAreNotUnescaped() {
		assertThat(decode("CONNECT\nlogin:a\\b\n\n\0").get(0).header("login")).isEqualTo("a\\b");
		this.decoder.version(StompVersion.V1_0);
		assertThat(decode("SEND\ndestination:/a\nx:a\\tb\n\n\0").get(0).header("x")).isEqualTo("a\\tb");
	}

	@Test
	void anUnknownCommandIsRefusedByName() {
		assertThatExceptionOfType(StompProtocolException.class).isThrownBy(() -> decode("HELLO\n\n\0"))
			.withMessage("unknown command 'HELLO'");
	}

	@Test
	void aServerCommandFromTheClientIsRefused() {
		assertThatExceptionOfType(StompProtocolException.class).isThrownBy(() -> decode("MESSAGE\n\n\0"))
			.withMessage("unknown command 'MESSAGE'");
	}

	@Test
	void aHeaderLineWithoutAColonIsRefused() {
		assertThatExceptionOfType(StompProtocolException.class).isThrownBy(() -> decode("SEND\ndestination\n\n\0"))
			.withMessage("header line 'destination' has no name before ':'");
	}

	@Test
	void aBodyOnAFrameThatMayNotHaveOneIsRefused() {
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SUBSCRIBE\nid:1\ndestination:/a\n\nbody\0"))
			.withMessage("SUBSCRIBE frame must not have a body");
	}

	@Test
	void aFrameThatOutgrowsTheLimitIsRefusedBeforeItEnds() {
		byte[] big = new byte[1100];
		java.util.Arrays.fill(big, (byte) 'x');
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SEND\ndestination:/a\n\n" + new String(big)))
			.withMessage("frame larger than 1024 bytes");
	}

	@Test
	void aDeclaredContentLengthPastTheLimitIsRefusedAtOnce() {
		assertThatExceptionOfType(StompProtocolException.class)
			.isThrownBy(() -> decode("SEND\ndestination:/a\ncontent-length:5000\n\n"))
			.withMessage("frame larger than 1024 bytes");
	}

	@Test
	void theEncoderEscapesHeadersAsTheVersionSaysAndMeasuresTheBody() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("destination", "/a");
		headers.put("x:y", "a\nb\\c\rd");
		StompFrame frame = new StompFrame(StompCommand.MESSAGE, headers, "hi".getBytes(StandardCharsets.UTF_8));
		assertThat(new String(StompEncoder.encode(frame, StompVersion.V1_2), StandardCharsets.UTF_8))
			.isEqualTo("MESSAGE\ndestination:/a\nx\\cy:a\\nb\\\\c\\rd\ncontent-length:2\n\nhi\0");
		assertThat(new String(StompEncoder.encode(frame, StompVersion.V1_1), StandardCharsets.UTF_8))
			.isEqualTo("MESSAGE\ndestination:/a\nx\\cy:a\\nb\\\\c d\ncontent-length:2\n\nhi\0");
		assertThat(new String(StompEncoder.encode(frame, StompVersion.V1_0), StandardCharsets.UTF_8))
			.isEqualTo("MESSAGE\ndestination:/a\nx:y:a b\\c d\ncontent-length:2\n\nhi\0");
	}

	@Test
	void whatTheEncoderWritesTheDecoderReadsBack() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("destination", "/topic/a:b");
		headers.put("note", "line1\nline2\\");
		byte[] body = { 1, 0, 2 };
		byte[] encoded = StompEncoder.encode(new StompFrame(StompCommand.SEND, headers, body), StompVersion.V1_2);
		StompFrame decoded = decode(new String(encoded, StandardCharsets.UTF_8)).get(0);
		assertThat(decoded.headers()).containsEntry("destination", "/topic/a:b")
			.containsEntry("note", "line1\nline2\\")
			.containsEntry("content-length", "3");
		assertThat(decoded.body()).containsExactly(1, 0, 2);
	}

	@Test
	void framesBeforeAMalformedOneAreReadAndNothingAfterIt() {
		List<StompFrame> frames = this.decoder
			.decode("SEND\ndestination:/a\n\nok\0BAD\n\n\0SEND\ndestination:/a\n\nlost\0".getBytes());
		assertThat(frames).extracting(StompFrame::bodyText).containsExactly("ok");
		assertThat(this.decoder.failure()).hasMessage("unknown command 'BAD'");
		assertThat(this.decoder.decode("SEND\ndestination:/a\n\nlater\0".getBytes())).isEmpty();
	}

	/** Decodes, throwing the failure as the handler would answer it. */
	private List<StompFrame> decode(String text) {
		List<StompFrame> frames = this.decoder.decode(text.getBytes(StandardCharsets.UTF_8));
		if (this.decoder.failure() != null) {
			throw this.decoder.failure();
		}
		return frames;
	}

}
