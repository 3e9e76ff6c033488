package dev.wspubsub.stomp;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STOMP written and read by hand over a raw WebSocket, for the rules a polite client
 * never breaks.
 */
final class RawStomp implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	final RawWebSocket socket;

	private RawStomp(RawWebSocket socket) {
		this.socket = socket;
	}

	static RawStomp open(URI uri, String subprotocol) {
		return new RawStomp(RawWebSocket.connect(uri, Map.of("Sec-WebSocket-Protocol", subprotocol)));
	}

	/** Opens and sends CONNECT, reading the CONNECTED. */
	static RawStomp connected(URI uri) {
		RawStomp stomp = open(uri, "v12.stomp");
		stomp.send("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0");
		assertThat(stomp.read().command()).isEqualTo("CONNECTED");
		return stomp;
	}

	void send(String frame) {
		this.socket.sendText(frame);
	}

	/** The next frame that is not a heart-beat. */
	Parsed read() {
		while (true) {
			Frame frame = this.socket.readFrame(TIMEOUT);
			if (frame.opcode() == Frame.CLOSE) {
				throw new AssertionError("closed with " + frame.closeCode() + " " + frame.closeReason());
			}
			String text = new String(frame.payload(), StandardCharsets.UTF_8);
			if (!text.equals("\n")) {
				return Parsed.of(text);
			}
		}
	}

	/** The ERROR frame, then the close frame. */
	Parsed readErrorAndClose(int closeCode) {
		Parsed error = read();
		assertThat(error.command()).isEqualTo("ERROR");
		Frame close = this.socket.awaitClose(TIMEOUT);
		assertThat(close.closeCode()).isEqualTo(closeCode);
		return error;
	}

	@Override
	public void close() {
		this.socket.close();
	}

	/** A frame as text, the body without its NUL. */
	record Parsed(String command, Map<String, String> headers, String body) {

		static Parsed of(String text) {
			int blank = text.indexOf("\n\n");
			String[] lines = text.substring(0, blank).split("\n");
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.putIfAbsent(unescape(lines[i].substring(0, colon)), unescape(lines[i].substring(colon + 1)));
			}
			String body = text.substring(blank + 2);
			assertThat(body).as("frame ends with NUL").endsWith("\0");
			return new Parsed(lines[0], headers, body.substring(0, body.length() - 1));
		}

		/** STOMP 1.2's header escapes, which every frame but CONNECTED uses. */
		private static String unescape(String text) {
			return text.replace("\\c", ":").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\");
		}

		String header(String name) {
			return this.headers.get(name);
		}

	}

}
