package dev.wspubsub.conformance;

import java.util.Arrays;
import java.util.stream.Stream;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §5.6 and §8.1: text must be valid UTF-8, judged over the whole message, not
 * per fragment.
 */
class Utf8ConformanceTests extends ConformanceTestSupport {

	static Stream<Arguments> invalidUtf8() {
		return Stream.of(Arguments.of("a byte never used in UTF-8", bytes('a', 0xFF, 'b')),
				Arguments.of("a lead byte without its continuation", bytes(0xC3, 0x28)),
				Arguments.of("a lone continuation byte", bytes('a', 0x80)),
				Arguments.of("an overlong encoding of '/'", bytes(0xC0, 0xAF)),
				Arguments.of("an encoded UTF-16 surrogate", bytes(0xED, 0xA0, 0x80)),
				Arguments.of("a code point above U+10FFFF", bytes(0xF4, 0x90, 0x80, 0x80)),
				Arguments.of("a message that ends mid-character", bytes('a', 0xE2, 0x82)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidUtf8")
	void invalidUtf8InATextFrameClosesWith1007(String description, byte[] payload) {
		assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.TEXT, payload, true));
	}

	@Test
	void invalidUtf8SplitAcrossFragmentsClosesWith1007() {
		// Each fragment alone could start or end a valid sequence; together they are
		// invalid.
		assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, "/echo", (ws) -> {
			ws.sendFrame(false, 0, Frame.TEXT, bytes('a', 'b', 0xE2), true);
			ws.sendFrame(false, 0, Frame.CONTINUATION, bytes(0x82), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, bytes(0x28, 'c'), true);
		});
	}

	static Stream<Arguments> impossibleContinuations() {
		return Stream.of(Arguments.of("0xE0 needs 0xA0-0xBF next", bytes('w', 0xE0, 0x80)),
				Arguments.of("0xED needs 0x80-0x9F next (no surrogates)", bytes('w', 0xED, 0xA0)),
				Arguments.of("0xF0 needs 0x90-0xBF next", bytes('w', 0xF0, 0x8F)),
				Arguments.of("0xF4 needs 0x80-0x8F next (nothing above U+10FFFF)", bytes('w', 0xF4, 0x90)),
				Arguments.of("0xC0 never starts a character", bytes('w', 0xC0)),
				Arguments.of("0xF5 never starts a character", bytes('w', 0xF5)),
				Arguments.of("a lead byte cut short by ASCII", bytes('w', 0xE2, 0x82, 'x', 0x80)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("impossibleContinuations")
	void fragmentThatCannotBeValidUtf8ClosesWith1007BeforeTheMessageEnds(String description, byte[] second) {
		// The third fragment is never sent: the close must come from the second alone
		// (RFC 6455 §8.1).
		assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, "/echo", (ws) -> {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("hello "), true);
			ws.sendFrame(false, 0, Frame.CONTINUATION, second, true);
		});
	}

	@Test
	void textMessageWhoseLastFragmentEndsMidCharacterClosesWith1007() {
		assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, "/echo", (ws) -> {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("caf"), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, bytes(0xC3), true);
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "café", "€uro", "日本語のテキスト", "emoji 😀 and 🇫🇷", "κόσμε" })
	void validMultiByteCharactersSplitAtEveryByteAcrossFragmentsAreEchoed(String text) {
		byte[] encoded = utf8(text);
		try (RawWebSocket ws = connect("/echo")) {
			// One message per split point: most cut a character in two.
			for (int split = 1; split < encoded.length; split++) {
				ws.sendFrame(false, 0, Frame.TEXT, Arrays.copyOfRange(encoded, 0, split), true);
				ws.sendFrame(true, 0, Frame.CONTINUATION, Arrays.copyOfRange(encoded, split, encoded.length), true);
				assertThat(readMessage(ws).text()).as("split at byte %d", split).isEqualTo(text);
			}
			closeCleanly(ws);
		}
	}

	@Test
	void validMultiByteTextSentOneByteAFrameIsEchoed() {
		String text = "Grüße, 世界 😀";
		byte[] encoded = utf8(text);
		try (RawWebSocket ws = connect("/echo")) {
			for (int i = 0; i < encoded.length; i++) {
				ws.sendFrame(i == encoded.length - 1, 0, (i == 0) ? Frame.TEXT : Frame.CONTINUATION,
						new byte[] { encoded[i] }, true);
			}
			assertThat(readMessage(ws).text()).isEqualTo(text);
			closeCleanly(ws);
		}
	}

	@Test
	void invalidUtf8InABinaryFrameIsEchoedBecauseBinaryIsNotText() {
		try (RawWebSocket ws = connect("/echo")) {
			byte[] data = bytes(0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80);
			ws.sendBinary(data);
			assertThat(readMessage(ws).payload()).isEqualTo(data);
			closeCleanly(ws);
		}
	}

}
