package dev.wspubsub.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's first message, sent the moment the connection opens (as browsers do in
 * {@code onopen}), is handled like any other: not lost to the hand-over from Reactor Netty's
 * handshake to the connection's own handlers, and no buffer leaked.
 */
class FirstMessageTests extends SemanticsTestSupport {

	@Test
	void aMessageSentAsTheConnectionOpensAfterAnAsynchronousUpgradeIsAnswered() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		List<String> lost = new ArrayList<>();
		// The window is short: enough connections that a lost first message would show.
		for (int i = 0; i < 200; i++) {
			String text = "first-" + i;
			CompletableFuture<String> reply = new CompletableFuture<>();
			WebSocket ws = http.newWebSocketBuilder().buildAsync(uri("/async-echo"), new WebSocket.Listener() {
				@Override
				public void onOpen(WebSocket webSocket) {
					webSocket.sendText(text, true);
					webSocket.request(1);
				}

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					reply.complete(data.toString());
					return null;
				}
			}).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			try {
				assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(text);
			}
			catch (TimeoutException | ExecutionException ex) {
				lost.add(text);
			}
			finally {
				ws.abort();
			}
		}
		assertThat(lost).isEmpty();
	}

	@Test
	void aFrameThatCameInThePacketOfTheUpgradeRequestIsAnswered() throws IOException {
		byte[] request = ("GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		// A masked text frame "hi", written in the same packet: the client did not wait for the 101.
		byte[] frame = { (byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2 };
		byte[] expectedReply = { (byte) 0x81, 0x02, 'h', 'i' };
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			ByteArrayOutputStream packet = new ByteArrayOutputStream();
			packet.write(request);
			packet.write(frame);
			socket.getOutputStream().write(packet.toByteArray());
			String received = readUntil(socket.getInputStream(), new String(expectedReply, StandardCharsets.ISO_8859_1));
			assertThat(received).startsWith("HTTP/1.1 101 ")
				.endsWith(new String(expectedReply, StandardCharsets.ISO_8859_1));
		}
	}

	/** Reads until {@code end} arrives, the server closes, or the read times out. */
	private static String readUntil(InputStream in, String end) throws IOException {
		StringBuilder received = new StringBuilder();
		byte[] buffer = new byte[1024];
		try {
			int read;
			while (!received.toString().endsWith(end) && (read = in.read(buffer)) >= 0) {
				received.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
			}
		}
		catch (SocketTimeoutException ex) {
			// what came so far is the answer
		}
		return received.toString();
	}
}
