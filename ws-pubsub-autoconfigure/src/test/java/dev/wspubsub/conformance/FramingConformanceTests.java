package dev.wspubsub.conformance;

import java.util.Random;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §5.2: payload lengths in each of the three encodings (7-bit up to 125, 16-bit
 * up to 65535, 64-bit beyond) and at their edges.
 */
class FramingConformanceTests extends ConformanceTestSupport {

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 0, 1, 125, 126, 127, 65535, 65536, 1 << 20 })
	void textOfEveryLengthEncodingIsEchoedUnchanged(int length) {
		String text = text(length);
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendText(text);
			Message reply = readMessage(ws);
			assertThat(reply.opcode()).isEqualTo(Frame.TEXT);
			assertThat(reply.payload()).hasSize(length);
			assertThat(reply.text()).isEqualTo(text);
			closeCleanly(ws);
		}
	}

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 0, 1, 125, 126, 127, 65535, 65536, 1 << 20 })
	void binaryOfEveryLengthEncodingIsEchoedUnchanged(int length) {
		byte[] data = new byte[length];
		new Random(length).nextBytes(data);
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendBinary(data);
			Message reply = readMessage(ws);
			assertThat(reply.opcode()).isEqualTo(Frame.BINARY);
			assertThat(reply.payload()).isEqualTo(data);
			closeCleanly(ws);
		}
	}

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 0, 125, 126, 65536 })
	void messagesInARowOnOneConnectionAreEchoedInOrder(int length) {
		try (RawWebSocket ws = connect("/echo")) {
			for (int i = 0; i < 20; i++) {
				ws.sendText(i + ":" + text(length));
			}
			for (int i = 0; i < 20; i++) {
				assertThat(readMessage(ws).text()).isEqualTo(i + ":" + text(length));
			}
			closeCleanly(ws);
		}
	}

	/**
	 * ASCII text of exactly {@code length} bytes, not a single repeated character so that
	 * shifts show.
	 */
	static String text(int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) ('a' + (i % 26)));
		}
		return text.toString();
	}

}
