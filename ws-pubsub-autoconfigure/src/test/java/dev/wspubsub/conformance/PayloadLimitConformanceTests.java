package dev.wspubsub.conformance;

import java.util.Arrays;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §7.4.1 code 1009 against {@code /limited}, whose {@code maxPayloadLength} is
 * 64 KB: the limit applies to the whole message, however it is fragmented.
 */
class PayloadLimitConformanceTests extends ConformanceTestSupport {

	private static final int LIMIT = 64 * 1024;

	@Test
	void textOfExactlyTheLimitIsEchoed() {
		try (RawWebSocket ws = connect("/limited")) {
			String text = FramingConformanceTests.text(LIMIT);
			ws.sendText(text);
			assertThat(readMessage(ws).text()).isEqualTo(text);
			closeCleanly(ws);
		}
	}

	@Test
	void fragmentedBinaryOfExactlyTheLimitIsEchoed() {
		byte[] data = new byte[LIMIT];
		Arrays.fill(data, (byte) 7);
		try (RawWebSocket ws = connect("/limited")) {
			ws.sendFrame(false, 0, Frame.BINARY, Arrays.copyOfRange(data, 0, LIMIT / 2), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, Arrays.copyOfRange(data, LIMIT / 2, LIMIT), true);
			assertThat(readMessage(ws).payload()).isEqualTo(data);
			closeCleanly(ws);
		}
	}

	@Test
	void singleTextFrameOneByteOverTheLimitClosesWith1009() {
		assertViolationClosesWith(CloseCodes.MESSAGE_TOO_BIG, "/limited",
				(ws) -> ws.sendText(FramingConformanceTests.text(LIMIT + 1)));
	}

	@Test
	void singleBinaryFrameFarOverTheLimitClosesWith1009() {
		assertViolationClosesWith(CloseCodes.MESSAGE_TOO_BIG, "/limited", (ws) -> ws.sendBinary(new byte[LIMIT * 4]));
	}

	@Test
	void fragmentedTextWhoseFramesFitButWhoseTotalIsOverTheLimitClosesWith1009() {
		assertViolationClosesWith(CloseCodes.MESSAGE_TOO_BIG, "/limited", (ws) -> {
			String part = FramingConformanceTests.text(LIMIT / 2);
			ws.sendFrame(false, 0, Frame.TEXT, utf8(part), true);
			ws.sendFrame(false, 0, Frame.CONTINUATION, utf8(part), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("x"), true);
		});
	}

	@Test
	void fragmentedBinaryOverTheLimitClosesWith1009BeforeTheLastFragment() {
		assertViolationClosesWith(CloseCodes.MESSAGE_TOO_BIG, "/limited", (ws) -> {
			// No final fragment: the server must not wait for the end of a message it
			// will refuse.
			for (int i = 0; i < 5; i++) {
				ws.sendFrame(false, 0, (i == 0) ? Frame.BINARY : Frame.CONTINUATION, new byte[LIMIT / 4], true);
			}
		});
	}

	@Test
	void theDefaultEndpointAcceptsWhatTheLimitedOneRefuses() {
		try (RawWebSocket ws = connect("/echo")) {
			byte[] data = new byte[LIMIT * 4];
			ws.sendBinary(data);
			assertThat(readMessage(ws).payload()).hasSize(LIMIT * 4);
			closeCleanly(ws);
		}
	}

}
