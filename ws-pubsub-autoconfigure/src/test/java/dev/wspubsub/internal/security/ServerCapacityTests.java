package dev.wspubsub.internal.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.max-connections=2", "ws-pubsub.handshake-timeout=1s" })
class ServerCapacityTests {

	/** What Reactor Netty logs of a request whose connection closed mid-headers. */
	private static final String DECODING_FAILED = "Decoding failed";

	@LocalServerPort
	int port;

	private URI uri() {
		return URI.create("ws://localhost:" + this.port + "/open");
	}

	private int status() {
		return RawWebSocket.upgradeStatus(uri(), Map.of());
	}

	@Test
	void anUpgradePastMaxConnectionsGets503UntilOneCloses() {
		WsTestClient first = WsTestClient.connect(uri());
		try (WsTestClient second = WsTestClient.connect(uri())) {
			assertThat(second.sendAndAwait("2")).isEqualTo("2");
			assertThat(status()).isEqualTo(503);
			first.close();
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status() == 101);
		}
		finally {
			first.close();
		}
	}

	@Test
	void aClientTricklingItsUpgradeHeadersIsDroppedAfterTheHandshakeTimeout() throws IOException {
		// Before the connect: the server's handshake clock cannot have started earlier.
		long start = System.nanoTime();
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, DECODING_FAILED);
				Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(250);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(("GET /open HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			boolean dropped = false;
			// One header byte every 250 ms would hold the connection for ever against an
			// idle timeout.
			for (int i = 0; i < 40 && !dropped; i++) {
				try {
					out.write('X');
					out.flush();
					dropped = in.read() == -1;
				}
				catch (SocketTimeoutException stillOpen) {
					// nothing yet: keep trickling
				}
				catch (IOException reset) {
					dropped = true;
				}
			}
			// A timer that each byte restarted would never fire against a trickle four
			// times faster than it.
			assertThat(dropped).as("dropped within 40 trickled bytes").isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			awaitHeadersCutShort(log, "GET /open");
		}
	}

	@Test
	void aConnectionThatSendsNothingIsDroppedAfterTheHandshakeTimeout() throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void aPlainHttpRequestTricklingItsHeadersIsDroppedTooBecauseTheGuardIsServerWide() throws IOException {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, DECODING_FAILED);
				Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(250);
			OutputStream out = socket.getOutputStream();
			out.write("GET /not-a-websocket HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
			boolean dropped = false;
			for (int i = 0; i < 40 && !dropped; i++) {
				try {
					out.write('X');
					out.flush();
					dropped = socket.getInputStream().read() == -1;
				}
				catch (SocketTimeoutException stillOpen) {
					// nothing yet: keep trickling
				}
				catch (IOException reset) {
					dropped = true;
				}
			}
			assertThat(dropped).as("documented: the guard covers every route's headers").isTrue();
			awaitHeadersCutShort(log, "GET /not-a-websocket");
		}
	}

	/**
	 * Reactor Netty logs a request whose headers the guard cut short, once the connection
	 * is closed.
	 */
	private static void awaitHeadersCutShort(ExpectedLog log, String request) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(log.lines()).singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("Connection closed before received headers")
				.contains(request));
	}

	@Test
	void aKeptAlivePlainHttpConnectionIdleLongerThanTheHandshakeTimeoutStillServesItsNextRequest()
			throws IOException, InterruptedException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			String first = exchange(socket);
			assertThat(first).startsWith("HTTP/1.1 ");
			// The idle time itself is under test (no event to await): longer than the 1 s
			// timeout.
			// The clock must start only with the next request's bytes, not when the
			// response went out.
			Thread.sleep(1500);
			assertThat(exchange(socket)).isEqualTo(first);
		}
	}

	/**
	 * Sends a plain GET on a kept-alive connection; answers the response's status line
	 * once its body is read.
	 */
	private static String exchange(Socket socket) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write("GET /not-a-websocket HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		String status = null;
		int contentLength = 0;
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			if (status == null) {
				status = line;
			}
			else if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
				contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		assertThat(in.readNBytes(contentLength)).hasSize(contentLength);
		return status;
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			assertThat(b).as("connection open mid-response").isNotEqualTo(-1);
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	@Test
	void anOpenWebSocketOutlivesTheHandshakeTimeout() {
		try (WsTestClient client = WsTestClient.connect(uri())) {
			client.assertNoMessage(Duration.ofMillis(2500));
			assertThat(client.sendAndAwait("still here")).isEqualTo("still here");
		}
	}

}
