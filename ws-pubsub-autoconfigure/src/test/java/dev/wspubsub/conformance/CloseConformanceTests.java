package dev.wspubsub.conformance;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §5.5.1 and §7.4: the closing handshake and which close codes a client may
 * send.
 */
class CloseConformanceTests extends ConformanceTestSupport {

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4001, 4999 })
	void clientCloseWithAValidCodeIsEchoedWithTheSameCode(int code) {
		try (RawWebSocket ws = connect("/echo")) {
			assertEchoed(ws, "hello");
			ws.sendClose(code, "bye");
			Frame close = ws.awaitClose(TIMEOUT);
			assertThat(close.closeCode()).as("%s", close).isEqualTo(code);
			assertThat(ws.awaitEof(TIMEOUT)).as("server closes TCP after the closing handshake").isTrue();
		}
		assertFreshClientIsEchoed();
	}

	@Test
	void clientCloseWithoutABodyIsAnsweredWithACloseWithoutABody() {
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendFrame(true, 0, Frame.CLOSE, new byte[0], true);
			Frame close = ws.awaitClose(TIMEOUT);
			assertThat(close.payload()).as("%s", close).isEmpty();
			assertThat(ws.awaitEof(TIMEOUT)).isTrue();
		}
		assertFreshClientIsEchoed();
	}

	@Test
	void dataSentAfterTheClientsCloseIsNotAnswered() {
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendClose(1000, "");
			ws.sendText("too late");
			// The very next frame is the close: the text after the client's close is not
			// echoed.
			Frame close = ws.readFrame(TIMEOUT);
			assertThat(close.opcode()).as("%s", close).isEqualTo(Frame.CLOSE);
			assertThat(close.closeCode()).isEqualTo(1000);
			assertThat(ws.awaitEof(TIMEOUT)).isTrue();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999 })
	void clientCloseWithACodeReservedOrUndefinedClosesWith1002(int code) {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo", (ws) -> ws.sendClose(code, ""));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 5000, 5001, 10000, 65535 })
	void clientCloseWithACodeOf5000OrAboveClosesWith1002(int code) {
		// Only 3000-4999 are open to applications; nothing above is defined (RFC 6455
		// §7.4.2).
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo", (ws) -> ws.sendClose(code, ""));
	}

	@Test
	void clientCloseWithAOneByteBodyClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.CLOSE, bytes(0x03), true));
	}

	@Test
	void clientCloseWithAReasonOver123BytesClosesWith1002() {
		byte[] payload = new byte[126];
		payload[0] = 0x03;
		payload[1] = (byte) 0xE8;
		for (int i = 2; i < payload.length; i++) {
			payload[i] = 'r';
		}
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.CLOSE, payload, true));
	}

	@Test
	void clientCloseWithAReasonThatIsNotUtf8ClosesWith1007() {
		assertViolationClosesWith(CloseCodes.INVALID_PAYLOAD, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.CLOSE, bytes(0x03, 0xE8, 'o', 0xFF, 'k'), true));
	}

}
