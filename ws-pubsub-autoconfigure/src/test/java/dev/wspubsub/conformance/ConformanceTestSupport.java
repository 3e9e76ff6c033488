package dev.wspubsub.conformance;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What every conformance test needs: the running {@link ConformanceApplication}, raw
 * connections to it, message reassembly on the client side, and the check that a protocol
 * violation ends only the offending connection. The subclasses share one server through
 * Spring's test context cache.
 */
@SpringBootTest(classes = ConformanceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ConformanceTestSupport {

	/** Generous: the build machine is small and shared. */
	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	RawWebSocket connect(String path) {
		return RawWebSocket.connect(uri(path));
	}

	RawWebSocket connect(String path, Map<String, String> headers) {
		return RawWebSocket.connect(uri(path), headers);
	}

	URI uri(String path) {
		return URI.create("ws://localhost:" + this.port + path);
	}

	/**
	 * Reads the next data message, joining its fragments: the server may fragment what it
	 * sends. Pings from the server are skipped; any other control frame fails the test.
	 */
	static Message readMessage(RawWebSocket ws) {
		Frame first = nextDataFrame(ws);
		assertThat(first.opcode()).as("first frame of a message: %s", first).isIn(Frame.TEXT, Frame.BINARY);
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		payload.writeBytes(first.payload());
		for (Frame frame = first; !frame.fin();) {
			frame = nextDataFrame(ws);
			assertThat(frame.opcode()).as("fragment of a message: %s", frame).isEqualTo(Frame.CONTINUATION);
			payload.writeBytes(frame.payload());
		}
		return new Message(first.opcode(), first.rsv(), payload.toByteArray());
	}

	private static Frame nextDataFrame(RawWebSocket ws) {
		for (;;) {
			Frame frame = ws.readFrame(TIMEOUT);
			if (frame.opcode() == Frame.PING) {
				continue;
			}
			if (frame.opcode() == Frame.CLOSE || frame.opcode() == Frame.PONG) {
				fail("Expected a data frame but got " + frame);
			}
			return frame;
		}
	}

	/**
	 * Sends text on a fresh connection to {@code /echo} and expects it back, then closes
	 * cleanly.
	 */
	void assertFreshClientIsEchoed() {
		try (RawWebSocket ws = connect("/echo")) {
			assertEchoed(ws, "still here");
			closeCleanly(ws);
		}
	}

	static void assertEchoed(RawWebSocket ws, String text) {
		ws.sendText(text);
		Message reply = readMessage(ws);
		assertThat(reply.opcode()).isEqualTo(Frame.TEXT);
		assertThat(reply.text()).isEqualTo(text);
	}

	static void closeCleanly(RawWebSocket ws) {
		ws.sendClose(1000, "");
		assertThat(ws.awaitClose(TIMEOUT).closeCode()).isEqualTo(1000);
		assertThat(ws.awaitEof(TIMEOUT)).as("server closes TCP after the closing handshake").isTrue();
	}

	/**
	 * Runs a protocol violation on a connection to {@code path} while a well-behaved
	 * client is connected to {@code /echo}, and asserts that the server closes the
	 * offender with {@code expectedCode}, drops its TCP connection, and goes on serving
	 * the bystander and new clients.
	 */
	void assertViolationClosesWith(int expectedCode, String path, Consumer<RawWebSocket> violation) {
		assertViolationClosesWith(expectedCode, () -> connect(path), violation);
	}

	void assertViolationClosesWith(int expectedCode, Supplier<RawWebSocket> offenderFactory,
			Consumer<RawWebSocket> violation) {
		try (RawWebSocket bystander = connect("/echo"); RawWebSocket offender = offenderFactory.get()) {
			assertEchoed(bystander, "before");
			violation.accept(offender);
			Frame close = offender.awaitClose(TIMEOUT);
			assertThat(close.closeCode()).as("close code of %s", close).isEqualTo(expectedCode);
			assertThat(offender.awaitEof(TIMEOUT)).as("server drops the offending connection").isTrue();
			assertEchoed(bystander, "after");
			closeCleanly(bystander);
		}
		assertFreshClientIsEchoed();
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	/** A whole message as the client received it. */
	record Message(int opcode, int rsv, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

	}

}
