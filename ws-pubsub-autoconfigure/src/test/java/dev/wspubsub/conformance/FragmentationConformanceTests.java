package dev.wspubsub.conformance;

import java.io.ByteArrayOutputStream;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 §5.4: fragmented messages, control frames between fragments, and broken
 * fragment sequences.
 */
class FragmentationConformanceTests extends ConformanceTestSupport {

	@Test
	void textSplitInTwoFramesIsReassembled() {
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("Hello, "), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("world"), true);
			Message reply = readMessage(ws);
			assertThat(reply.opcode()).isEqualTo(Frame.TEXT);
			assertThat(reply.text()).isEqualTo("Hello, world");
			closeCleanly(ws);
		}
	}

	@Test
	void textSplitIntoManyFramesSomeEmptyIsReassembled() {
		StringBuilder expected = new StringBuilder();
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendFrame(false, 0, Frame.TEXT, new byte[0], true);
			for (int i = 0; i < 200; i++) {
				String part = (i % 10 == 0) ? "" : "part" + i + ";";
				expected.append(part);
				ws.sendFrame(false, 0, Frame.CONTINUATION, utf8(part), true);
			}
			ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("end"), true);
			assertThat(readMessage(ws).text()).isEqualTo(expected + "end");
			closeCleanly(ws);
		}
	}

	@Test
	void binarySplitIntoManyFramesIsReassembled() {
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		try (RawWebSocket ws = connect("/echo")) {
			for (int i = 0; i < 50; i++) {
				byte[] part = new byte[i * 7];
				for (int j = 0; j < part.length; j++) {
					part[j] = (byte) (i + j);
				}
				expected.writeBytes(part);
				ws.sendFrame(i == 49, 0, (i == 0) ? Frame.BINARY : Frame.CONTINUATION, part, true);
			}
			Message reply = readMessage(ws);
			assertThat(reply.opcode()).isEqualTo(Frame.BINARY);
			assertThat(reply.payload()).isEqualTo(expected.toByteArray());
			closeCleanly(ws);
		}
	}

	@Test
	void pingBetweenFragmentsIsAnsweredAtOnceAndTheMessageIsStillReassembled() {
		try (RawWebSocket ws = connect("/echo")) {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("Hello, "), true);
			ws.sendFrame(true, 0, Frame.PING, utf8("in between"), true);
			// The pong comes back while the message is still incomplete.
			Frame pong = ws.readFrame(TIMEOUT);
			assertThat(pong.opcode()).as("%s", pong).isEqualTo(Frame.PONG);
			assertThat(pong.text()).isEqualTo("in between");
			ws.sendFrame(false, 0, Frame.CONTINUATION, utf8("wor"), true);
			ws.sendFrame(true, 0, Frame.PONG, utf8("unsolicited"), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("ld"), true);
			assertThat(readMessage(ws).text()).isEqualTo("Hello, world");
			closeCleanly(ws);
		}
	}

	@Test
	void continuationWithoutAStartClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo",
				(ws) -> ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("orphan"), true));
	}

	@Test
	void continuationAfterACompleteMessageClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo", (ws) -> {
			assertEchoed(ws, "complete");
			ws.sendFrame(true, 0, Frame.CONTINUATION, utf8("orphan"), true);
		});
	}

	@Test
	void newTextFrameInsideAFragmentedMessageClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo", (ws) -> {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("first "), true);
			ws.sendFrame(true, 0, Frame.TEXT, utf8("intruder"), true);
		});
	}

	@Test
	void newBinaryFrameInsideAFragmentedTextMessageClosesWith1002() {
		assertViolationClosesWith(CloseCodes.PROTOCOL_ERROR, "/echo", (ws) -> {
			ws.sendFrame(false, 0, Frame.TEXT, utf8("first "), true);
			ws.sendFrame(false, 0, Frame.BINARY, new byte[] { 1, 2, 3 }, true);
		});
	}

}
