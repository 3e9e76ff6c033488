package dev.wspubsub.test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RawWebSocketTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static TestServer server;

	@BeforeAll
	static void startServer() {
		server = TestServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void the_handshake_is_answered_with_101_and_the_expected_accept_key() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo?x=1"))) {
			assertThat(ws.status()).isEqualTo(101);
			assertThat(ws.statusLine()).startsWith("HTTP/1.1 101");
			assertThat(ws.header("sec-websocket-accept")).isEqualTo(ws.expectedAccept());
			assertThat(ws.responseHeaders()).containsKey("Upgrade");
		}
	}

	@Test
	void a_refused_upgrade_is_reported_with_status_and_body() {
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> RawWebSocket.connect(server.uri("/forbidden")))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(403);
				assertThat(ex.body()).isEqualTo("no token");
			});
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/forbidden"), Map.of())) {
			assertThat(ws.statusLine()).startsWith("HTTP/1.1 403");
		}
	}

	@Test
	void extra_headers_are_added_to_the_upgrade_request() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/header"), Map.of("X-Test", "42"))) {
			assertThat(ws.status()).isEqualTo(101);
			assertThat(ws.readFrame(TIMEOUT).text()).isEqualTo("42");
		}
	}

	@Test
	void a_text_frame_is_echoed() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			ws.sendText("héllo");
			Frame frame = ws.readFrame(TIMEOUT);
			assertThat(frame.opcode()).isEqualTo(Frame.TEXT);
			assertThat(frame.fin()).isTrue();
			assertThat(frame.rsv()).isZero();
			assertThat(frame.text()).isEqualTo("héllo");
		}
	}

	@Test
	void a_fragmented_text_message_is_echoed() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			ws.sendFrame(false, 0, Frame.TEXT, bytes("Hel"), true);
			ws.sendFrame(false, 0, Frame.CONTINUATION, bytes("lo, "), true);
			ws.sendFrame(true, 0, Frame.CONTINUATION, bytes("world"), true);
			Frame first = ws.readFrame(TIMEOUT);
			assertThat(first.opcode()).isEqualTo(Frame.TEXT);
			StringBuilder message = new StringBuilder(first.text());
			Frame frame = first;
			while (!frame.fin()) {
				frame = ws.readFrame(TIMEOUT);
				assertThat(frame.opcode()).isEqualTo(Frame.CONTINUATION);
				message.append(frame.text());
			}
			assertThat(message).hasToString("Hello, world");
		}
	}

	@Test
	void frames_with_16_bit_and_64_bit_lengths_are_echoed() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			for (int length : new int[] { 125, 126, 65_535, 65_536, 200_000 }) {
				byte[] payload = pattern(length);
				ws.sendFrame(true, 0, Frame.BINARY, payload, true);
				Frame echoed = ws.readFrame(TIMEOUT);
				assertThat(echoed.opcode()).isEqualTo(Frame.BINARY);
				assertThat(echoed.payload()).as("payload of %d bytes", length).isEqualTo(payload);
			}
		}
	}

	@Test
	void the_closing_handshake_returns_the_code_and_then_ends_the_connection() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			ws.sendClose(1000, "done");
			Frame close = ws.awaitClose(TIMEOUT);
			assertThat(close.closeCode()).isEqualTo(1000);
			assertThat(close.closeReason()).isEqualTo("done");
			assertThat(ws.awaitEof(TIMEOUT)).isTrue();
		}
	}

	@Test
	void an_unmasked_client_frame_is_a_protocol_error() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			ws.sendFrame(true, 0, Frame.TEXT, bytes("unmasked"), false);
			assertThat(ws.awaitClose(TIMEOUT).closeCode()).isEqualTo(1002);
			assertThat(ws.awaitEof(TIMEOUT)).isTrue();
		}
	}

	@Test
	void a_frame_sent_as_raw_bytes_is_understood() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			// A masked "Hello" from RFC 6455 section 5.7.
			ws.sendRawBytes(new byte[] { (byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f,
					0x4d, 0x51, 0x58 });
			assertThat(ws.readFrame(TIMEOUT).text()).isEqualTo("Hello");
		}
	}

	@Test
	void reading_a_frame_times_out_with_an_assertion_error() {
		try (RawWebSocket ws = RawWebSocket.connect(server.uri("/echo"))) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> ws.readFrame(Duration.ofMillis(200)))
				.withMessage("Timed out after 200ms awaiting a frame");
			assertThat(ws.awaitEof(Duration.ofMillis(200))).isFalse();
		}
	}

	@Test
	void a_close_frame_without_body_has_no_close_code() {
		Frame frame = new Frame(true, 0, Frame.CLOSE, new byte[0]);
		assertThat(frame.closeCode()).isEqualTo(-1);
		assertThat(frame.closeReason()).isEmpty();
		assertThat(new Frame(true, 0, Frame.TEXT, bytes("hi"))).hasToString("Frame[TEXT, fin, 2 bytes: hi]");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] pattern(int length) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(length);
		for (int i = 0; i < length; i++) {
			out.write(i * 31 + (i >> 8));
		}
		return out.toByteArray();
	}

}
