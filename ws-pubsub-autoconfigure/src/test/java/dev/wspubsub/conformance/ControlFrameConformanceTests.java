package dev.wspubsub.conformance;

import java.util.Arrays;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §5.2, §5.3 and §5.5: pings and pongs, the limits on control frames, reserved
 * bits, reserved opcodes and client masking.
 */
class ControlFrameConformanceTests extends ConformanceTestSupport {

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 0, 1, 5, 125 })
	void pingIsAnsweredWithAPongCarryingTheSamePayload(int length) {
		byte[] payload = new byte[length];
		Arrays.fill(payload, (byte) '*');
		if (length > 0) {
			payload[0] = 0;
			payload[length - 1] = (byte) 0xFF;
		}
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendFrame(true, 0, Frame.PING, payload, true);
			Frame pong = ws.readFrame(TIMEOUT);
			assertThat(pong.opcode()).as("%s", pong).isEqualTo(Frame.PONG);
			assertThat(pong.fin()).isTrue();
			assertThat(pong.payload()).isEqualTo(payload);
			closeCleanly(ws);
		}
	}

	@Test
	void unsolicitedPongIsIgnored() {
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendFrame(true, 0, Frame.PONG, utf8("heartbeat"), true);
			assertEchoed(ws, "after the pong");
			closeCleanly(ws);
		}
	}

	@Test
	void pingWithAPayloadOver125BytesClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.PING, new byte[126], true));
	}

	@Test
	void fragmentedPingClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo", (ws) -> {
			ws.sendFrame(false, 0, Frame.PING, utf8("part"), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("rest"), true);
		});
	}

	@Test
	void fragmentedCloseClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(false, 0, Frame.CLOSE, bytes(0x03, 0xE8), true));
	}

	@ParameterizedTest(name = "rsv={0}")
	@ValueSource(ints = { 1, 2, 3, 4, 7 })
	void textFrameWithReservedBitsClosesWith1002(int rsv) {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, rsv, Frame.TEXT, utf8("reserved"), true));
	}

	@Test
	void reservedBitsAreRefusedBeforeTheTextIsCheckedAsUtf8() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0b100, Frame.TEXT, bytes(0xFF, 0xFE), true));
	}

	@ParameterizedTest(name = "rsv={0}")
	@ValueSource(ints = { 1, 2, 4 })
	void pingWithReservedBitsClosesWith1002(int rsv) {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, rsv, Frame.PING, utf8("reserved"), true));
	}

	@ParameterizedTest(name = "opcode {0}")
	@ValueSource(ints = { 0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF })
	void reservedOpcodeClosesWith1002(int opcode) {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, opcode, utf8("unknown"), true));
	}

	@Test
	void unmaskedTextFrameClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.TEXT, utf8("not masked"), false));
	}

	@Test
	void unmaskedPingClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.PING, utf8("not masked"), false));
	}

}
