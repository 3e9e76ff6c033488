package dev.wspubsub.upgrade;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrade requests that are not a valid RFC 6455 handshake get an HTTP error and no
 * WebSocket: {@code 400} without {@code Sec-WebSocket-Key} or with another method than
 * GET, {@code 426} with {@code Sec-WebSocket-Version: 13} for another version (RFC 6455
 * §4.4). The server goes on serving valid clients.
 */
class MalformedHandshakeTests extends SemanticsTestSupport {

	@AfterEach
	void aValidClientIsStillServed() {
		try (RawWebSocket ws = RawWebSocket.connect(uri("/echo"))) {
			ws.sendText("still here");
			assertThat(ws.readFrame(TIMEOUT).text()).isEqualTo("still here");
		}
	}

	@Test
	void anUpgradeWithoutSecWebSocketKeyGets400() {
		try (RawWebSocket ws = RawWebSocket.connect(uri("/echo"), Map.of("Sec-WebSocket-Key", ""))) {
			assertThat(ws.status()).isEqualTo(400);
			assertThat(ws.header("Sec-WebSocket-Accept")).isNull();
		}
	}

	@Test
	void anUpgradeWithoutSecWebSocketVersionGets426Naming13() {
		try (RawWebSocket ws = RawWebSocket.connect(uri("/echo"), Map.of("Sec-WebSocket-Version", ""))) {
			assertThat(ws.status()).isEqualTo(426);
			assertThat(ws.header("Sec-WebSocket-Version")).isEqualTo("13");
			assertThat(ws.header("Sec-WebSocket-Accept")).isNull();
		}
	}

	@Test
	void anUpgradeWithAnUnsupportedSecWebSocketVersionGets426Naming13() {
		try (RawWebSocket ws = RawWebSocket.connect(uri("/echo"), Map.of("Sec-WebSocket-Version", "8"))) {
			assertThat(ws.status()).isEqualTo(426);
			assertThat(ws.header("Sec-WebSocket-Version")).isEqualTo("13");
			assertThat(ws.header("Sec-WebSocket-Accept")).isNull();
		}
	}

	@Test
	void anUpgradeWithAnotherMethodThanGetGets400() throws IOException {
		String request = "POST /echo HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				+ "Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n";
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 400");
		}
	}

	private static String statusLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
			line.append((char) b);
		}
		return line.toString().trim();
	}

}
