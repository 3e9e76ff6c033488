package dev.wspubsub.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Reads HTTP lines and WebSocket frames from a socket for {@link RawWebSocket}, every
 * read bounded by a deadline ({@link System#nanoTime()} based) through
 * {@code SO_TIMEOUT}.
 */
final class SocketReader {

	/**
	 * Frames larger than this are refused instead of allocated: a garbled length must not
	 * exhaust the heap.
	 */
	private static final long MAX_PAYLOAD = 64L * 1024 * 1024;

	private static final int MAX_LINE = 8192;

	private final Socket socket;

	// Buffered, and used for both the handshake response and the frames, so no byte is
	// lost between them.
	private final InputStream in;

	SocketReader(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
	}

	/**
	 * The next frame, or {@code null} on a clean end of stream before its first byte.
	 * @throws SocketTimeoutException when the deadline passes
	 * @throws EOFException when the stream ends inside a frame
	 */
	@Nullable Frame readFrame(long deadline) throws IOException {
		int first = read(deadline);
		if (first < 0) {
			return null;
		}
		int second = readByte(deadline);
		if ((second & 0x80) != 0) {
			throw new AssertionError("The server sent a masked frame, which RFC 6455 section 5.1 forbids");
		}
		long length = second & 0x7F;
		if (length >= 126) {
			int lengthBytes = (length == 126) ? 2 : 8;
			length = 0;
			for (int i = 0; i < lengthBytes; i++) {
				length = (length << 8) | readByte(deadline);
			}
		}
		if (length < 0 || length > MAX_PAYLOAD) {
			throw new IOException("Refusing a frame of " + Long.toUnsignedString(length) + " bytes");
		}
		byte[] payload = new byte[(int) length];
		readFully(payload, deadline);
		return new Frame((first & 0x80) != 0, (first >> 4) & 0x7, first & 0xF, payload);
	}

	/** A line terminated by LF, without the line terminator (CRLF or LF). */
	String readLine(long deadline) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = readByte(deadline); b != '\n'; b = readByte(deadline)) {
			if (line.size() > MAX_LINE) {
				throw new IOException("Response line longer than " + MAX_LINE + " bytes");
			}
			line.write(b);
		}
		String text = line.toString(StandardCharsets.ISO_8859_1);
		return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
	}

	void readFully(byte[] buffer, long deadline) throws IOException {
		for (int read = 0; read < buffer.length;) {
			setTimeout(deadline);
			int n = this.in.read(buffer, read, buffer.length - read);
			if (n < 0) {
				throw new EOFException("End of stream after " + read + " of " + buffer.length + " bytes");
			}
			read += n;
		}
	}

	private int read(long deadline) throws IOException {
		setTimeout(deadline);
		return this.in.read();
	}

	private int readByte(long deadline) throws IOException {
		int b = read(deadline);
		if (b < 0) {
			throw new EOFException("Unexpected end of stream");
		}
		return b;
	}

	private void setTimeout(long deadline) throws IOException {
		long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
		if (remainingMillis <= 0) {
			throw new SocketTimeoutException("Deadline passed");
		}
		// SO_TIMEOUT bounds each blocking read; 0 would mean forever, hence the check
		// above.
		this.socket.setSoTimeout((int) Math.min(remainingMillis, Integer.MAX_VALUE));
	}

}
