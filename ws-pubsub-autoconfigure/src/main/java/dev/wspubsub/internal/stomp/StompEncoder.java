package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes STOMP frames: the command, the headers escaped as the negotiated version says
 * (not at all in 1.0 and in CONNECTED), a {@code content-length} for every body, and the
 * NUL.
 */
final class StompEncoder {

	/** The end of every frame. */
	static final byte[] NUL = { 0 };

	private StompEncoder() {
	}

	/** The whole frame. */
	static byte[] encode(StompFrame frame, StompVersion version) {
		byte[] head = head(frame.command(), frame.headers(), frame.body().length, version);
		byte[] whole = new byte[head.length + frame.body().length + 1];
		System.arraycopy(head, 0, whole, 0, head.length);
		System.arraycopy(frame.body(), 0, whole, head.length, frame.body().length);
		return whole;
	}

	/**
	 * The command and headers, through the blank line: what precedes a body of
	 * {@code bodyLength} bytes, with its {@code content-length} when there is a body.
	 */
	static byte[] head(StompCommand command, Map<String, String> headers, int bodyLength, StompVersion version) {
		StringBuilder text = new StringBuilder(64 + 32 * headers.size());
		text.append(command.name()).append('\n');
		boolean escape = version != StompVersion.V1_0 && command.escapesHeaders();
		headers.forEach((name, value) -> {
			if (!"content-length".equals(name)) {
				appendEscaped(text, name, escape, version).append(':');
				appendEscaped(text, value, escape, version).append('\n');
			}
		});
		if (bodyLength > 0) {
			text.append("content-length:").append(bodyLength).append('\n');
		}
		text.append('\n');
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * One header line of a frame other than CONNECTED, escaped as {@code version} says.
	 */
	static String headerLine(String name, String value, StompVersion version) {
		StringBuilder line = new StringBuilder(name.length() + value.length() + 2);
		boolean escape = version != StompVersion.V1_0;
		appendEscaped(line, name, escape, version).append(':');
		return appendEscaped(line, value, escape, version).append('\n').toString();
	}

	private static StringBuilder appendEscaped(StringBuilder out, String text, boolean escape, StompVersion version) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (escape) {
				switch (c) {
					case '\\' -> out.append("\\\\");
					case '\n' -> out.append("\\n");
					case ':' -> out.append("\\c");
					case '\r' -> out.append((version == StompVersion.V1_2) ? "\\r" : " ");
					default -> out.append(c);
				}
			}
			else {
				// Unescaped (1.0, CONNECTED): a line break would end the header.
				out.append((c == '\n' || c == '\r') ? ' ' : c);
			}
		}
		return out;
	}

	static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

}
