package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Reads the STOMP frames of one connection from its WebSocket messages: several frames in
 * one message, one frame over several messages, end-of-line heart-beats between frames,
 * bodies ended by NUL or measured by {@code content-length}, and header values unescaped
 * by the rules of the negotiated version. Not thread-safe: the connection's event loop
 * feeds it.
 */
final class StompDecoder {

	private static final byte NUL = 0;

	private static final byte LF = '\n';

	private static final byte CR = '\r';

	private final int maxFrameBytes;

	private StompVersion version = StompVersion.V1_2;

	/** Bytes received and not yet part of a whole frame. */
	private byte[] pending = new byte[0];

	private int length;

	private long heartbeats;

	private @Nullable StompProtocolException failure;

	/**
	 * @param maxFrameBytes the largest frame accepted, headers included; a frame still
	 * incomplete past it is refused
	 */
	StompDecoder(int maxFrameBytes) {
		this.maxFrameBytes = maxFrameBytes;
	}

	/** The version whose escaping rules apply from now on (CONNECT is never escaped). */
	void version(StompVersion version) {
		this.version = version;
	}

	/** End-of-line heart-beats read so far. */
	long heartbeats() {
		return this.heartbeats;
	}

	/** Whether part of a frame is waiting for the rest. */
	boolean hasPartialFrame() {
		return this.length > 0;
	}

	/**
	 * Reads what {@code data} completes. At the first malformed frame, reading stops: the
	 * frames before it are answered and {@link #failure()} names the problem.
	 * @return the frames now whole, in order; empty when {@code data} was only
	 * heart-beats or part of a frame
	 */
	List<StompFrame> decode(byte[] data) {
		List<StompFrame> frames = new ArrayList<>(1);
		if (this.failure != null) {
			return frames;
		}
		append(data);
		int position = 0;
		try {
			while (true) {
				position = skipHeartbeats(position);
				if (position < 0) {
					position = this.length - 1; // a CR whose LF has not arrived yet
					break;
				}
				if (position == this.length) {
					break;
				}
				int next = readFrame(position, frames);
				if (next < 0) {
					if (this.length - position > this.maxFrameBytes) {
						throw new StompProtocolException("frame larger than " + this.maxFrameBytes + " bytes");
					}
					break;
				}
				position = next;
			}
		}
		catch (StompProtocolException ex) {
			this.failure = ex;
			this.pending = new byte[0];
			this.length = 0;
			return frames;
		}
		compact(position);
		return frames;
	}

	/** What was wrong with the frame that stopped reading, or {@code null}. */
	@Nullable StompProtocolException failure() {
		return this.failure;
	}

	private void append(byte[] data) {
		if (this.length + data.length > this.pending.length) {
			this.pending = Arrays.copyOf(this.pending, Math.max(this.length + data.length, 2 * this.pending.length));
		}
		System.arraycopy(data, 0, this.pending, this.length, data.length);
		this.length += data.length;
	}

	private void compact(int position) {
		int left = this.length - position;
		if (left == 0) {
			// Most messages hold whole frames: drop the buffer, so an idle connection
			// keeps none.
			this.pending = new byte[0];
		}
		else if (position > 0) {
			this.pending = Arrays.copyOfRange(this.pending, position, this.length);
		}
		this.length = left;
	}

	/**
	 * @return the first position after heart-beats, or -1 when a lone CR ends the data
	 */
	private int skipHeartbeats(int position) {
		byte[] bytes = this.pending;
		while (position < this.length) {
			if (bytes[position] == LF) {
				this.heartbeats++;
				position++;
			}
			else if (bytes[position] == CR) {
				if (position + 1 == this.length) {
					return -1;
				}
				if (bytes[position + 1] != LF) {
					throw new StompProtocolException("CR not followed by LF between frames");
				}
				this.heartbeats++;
				position += 2;
			}
			else {
				break;
			}
		}
		return position;
	}

	/**
	 * @return the position after the frame, or -1 when it is not whole yet
	 */
	private int readFrame(int start, List<StompFrame> frames) {
		byte[] bytes = this.pending;
		int lineStart = start;
		int lineEnd = indexOf(bytes, LF, lineStart);
		if (lineEnd < 0) {
			return -1;
		}
		String commandName = line(bytes, lineStart, lineEnd);
		StompCommand command = StompCommand.of(commandName);
		if (command == null || !command.fromClient()) {
			throw new StompProtocolException("unknown command '" + shorten(commandName) + "'");
		}
		boolean unescape = this.version != StompVersion.V1_0 && command.escapesHeaders();
		Map<String, String> headers = new LinkedHashMap<>();
		while (true) {
			lineStart = lineEnd + 1;
			lineEnd = indexOf(bytes, LF, lineStart);
			if (lineEnd < 0) {
				return -1;
			}
			String header = line(bytes, lineStart, lineEnd);
			if (header.isEmpty()) {
				break;
			}
			int colon = header.indexOf(':');
			if (colon <= 0) {
				throw new StompProtocolException("header line '" + shorten(header) + "' has no name before ':'");
			}
			String name = header.substring(0, colon);
			String value = header.substring(colon + 1);
			if (unescape) {
				name = unescape(name, name);
				value = unescape(value, name);
			}
			headers.putIfAbsent(name, value);
		}
		int bodyStart = lineEnd + 1;
		int bodyEnd;
		String contentLength = headers.get("content-length");
		if (contentLength != null) {
			int declared = contentLength(contentLength);
			if ((long) bodyStart - start + declared + 1 > this.maxFrameBytes) {
				throw new StompProtocolException("frame larger than " + this.maxFrameBytes + " bytes");
			}
			bodyEnd = bodyStart + declared;
			if (bodyEnd >= this.length) {
				return -1;
			}
			if (bytes[bodyEnd] != NUL) {
				throw new StompProtocolException("no NUL after the " + declared + " bytes of content-length");
			}
		}
		else {
			bodyEnd = indexOf(bytes, NUL, bodyStart);
			if (bodyEnd < 0) {
				return -1;
			}
		}
		if (bodyEnd > bodyStart && !command.hasBody()) {
			throw new StompProtocolException(command + " frame must not have a body");
		}
		frames.add(new StompFrame(command, headers, Arrays.copyOfRange(bytes, bodyStart, bodyEnd)));
		return bodyEnd + 1;
	}

	private int indexOf(byte[] bytes, byte wanted, int from) {
		for (int i = from; i < this.length; i++) {
			if (bytes[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	/** A line without its LF, and without the CR before it (STOMP 1.2 allows CRLF). */
	private static String line(byte[] bytes, int start, int lfIndex) {
		int end = (lfIndex > start && bytes[lfIndex - 1] == CR) ? lfIndex - 1 : lfIndex;
		return new String(bytes, start, end - start, StandardCharsets.UTF_8);
	}

	private static int contentLength(String value) {
		try {
			int length = Integer.parseInt(value.trim());
			if (length >= 0) {
				return length;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new StompProtocolException("content-length '" + shorten(value) + "' is not a number of bytes");
	}

	/** STOMP 1.1 and 1.2 escapes: {@code \r \n \c \\}; any other is an error. */
	private String unescape(String text, String headerName) {
		int backslash = text.indexOf('\\');
		if (backslash < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		out.append(text, 0, backslash);
		for (int i = backslash; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '\\') {
				out.append(c);
				continue;
			}
			char escaped = (i + 1 < text.length()) ? text.charAt(++i) : 0;
			switch (escaped) {
				case 'n' -> out.append('\n');
				case 'c' -> out.append(':');
				case '\\' -> out.append('\\');
				case 'r' -> {
					if (this.version != StompVersion.V1_2) {
						throw undefinedEscape(escaped, headerName);
					}
					out.append('\r');
				}
				default -> throw undefinedEscape(escaped, headerName);
			}
		}
		return out.toString();
	}

	private static StompProtocolException undefinedEscape(char escaped, String headerName) {
		String sequence = (escaped == 0) ? "\\ at the end" : "\\" + escaped;
		return new StompProtocolException(
				"undefined escape sequence " + sequence + " in header '" + shorten(headerName) + "'");
	}

	static String shorten(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

}
