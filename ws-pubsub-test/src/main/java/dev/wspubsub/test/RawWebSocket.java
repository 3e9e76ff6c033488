package dev.wspubsub.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A deliberately low-level WebSocket client over a plain {@link Socket}, for RFC 6455
 * conformance tests: it performs the HTTP/1.1 upgrade itself and then writes whatever
 * frames the test asks for, valid or not, and reads the server's frames one by one. It
 * neither reassembles fragments nor answers pings or close frames. Only {@code ws://} is
 * supported.
 *
 * <p>
 * Reads are bounded by the timeout passed to them. Not thread-safe for concurrent reads.
 */
public final class RawWebSocket implements AutoCloseable {

	private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final URI uri;

	private final Socket socket;

	private final SocketReader reader;

	private final OutputStream out;

	private final String key;

	private final String statusLine;

	private final int status;

	private final Map<String, List<String>> responseHeaders;

	private RawWebSocket(URI uri, Socket socket, String key, Map<String, String> extraHeaders, byte[] sentWithRequest)
			throws IOException {
		this.uri = uri;
		this.socket = socket;
		this.reader = new SocketReader(socket);
		this.out = socket.getOutputStream();
		this.key = key;
		byte[] request = handshakeRequest(uri, key, extraHeaders).getBytes(StandardCharsets.ISO_8859_1);
		byte[] packet = Arrays.copyOf(request, request.length + sentWithRequest.length);
		System.arraycopy(sentWithRequest, 0, packet, request.length, sentWithRequest.length);
		this.out.write(packet); // one write: what follows the request goes in its packet
		this.out.flush();
		long deadline = WsInbox.deadline(HANDSHAKE_TIMEOUT);
		this.statusLine = this.reader.readLine(deadline);
		String[] parts = this.statusLine.split(" ", 3);
		if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
			throw new IOException("Not an HTTP status line: " + this.statusLine);
		}
		this.status = Integer.parseInt(parts[1]);
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (String line = this.reader.readLine(deadline); !line.isEmpty(); line = this.reader.readLine(deadline)) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.computeIfAbsent(line.substring(0, colon).trim(), (name) -> new ArrayList<>())
					.add(line.substring(colon + 1).trim());
			}
		}
		this.responseHeaders = Collections.unmodifiableMap(headers);
	}

	/**
	 * Connects and performs the upgrade handshake, requiring
	 * {@code 101 Switching Protocols} with a correct {@code Sec-WebSocket-Accept}.
	 * @param uri a {@code ws://} URI
	 * @return the connected socket, ready for frames
	 * @throws WsUpgradeRejectedException if the server answers with another status
	 * @throws IllegalStateException if {@code Sec-WebSocket-Accept} is missing or wrong
	 */
	public static RawWebSocket connect(URI uri) {
		return requireSwitched(uri, connect(uri, Map.of()));
	}

	/**
	 * As {@link #connect(URI)}, from a local address of the caller's choosing: on Linux
	 * every address of 127.0.0.0/8 reaches loopback, so a test can play a second client
	 * machine (for per-address limits) with {@code 127.0.0.2}. The URI's host must be
	 * reachable from it.
	 * @param uri a {@code ws://} URI
	 * @param localAddress the address the socket is bound to
	 * @return the connected socket, ready for frames
	 * @throws WsUpgradeRejectedException if the server answers with another status
	 */
	public static RawWebSocket connectFrom(InetAddress localAddress, URI uri) {
		return requireSwitched(uri, connectFrom(localAddress, uri, Map.of()));
	}

	/**
	 * As {@link #connect(URI, Map)}, from a local address of the caller's choosing; see
	 * {@link #connectFrom(InetAddress, URI)}.
	 * @param localAddress the address the socket is bound to
	 * @param uri a {@code ws://} URI
	 * @param extraHeaders headers to add to or replace in the request
	 * @return the connection, in whatever state the server left it
	 */
	public static RawWebSocket connectFrom(InetAddress localAddress, URI uri, Map<String, String> extraHeaders) {
		return connect(uri, extraHeaders, new byte[0], localAddress);
	}

	private static RawWebSocket requireSwitched(URI uri, RawWebSocket ws) {
		if (ws.status != 101) {
			String body = ws.readBodyQuietly();
			ws.close();
			throw new WsUpgradeRejectedException(uri, ws.status, body, ws.responseHeaders);
		}
		String accept = ws.header("Sec-WebSocket-Accept");
		if (!ws.expectedAccept().equals(accept)) {
			ws.close();
			throw new IllegalStateException(
					"Expected Sec-WebSocket-Accept " + ws.expectedAccept() + " but got " + accept);
		}
		return ws;
	}

	/**
	 * Connects and sends the upgrade request, whatever the server answers; inspect
	 * {@link #status()} and {@link #responseHeaders()}. The request carries {@code Host},
	 * {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key} and
	 * {@code Sec-WebSocket-Version: 13}; a header in {@code extraHeaders} replaces the
	 * default of the same name, and an empty value removes it, to test malformed
	 * handshakes.
	 * @param uri a {@code ws://} URI
	 * @param extraHeaders headers to add to or replace in the request
	 * @return the connection, in whatever state the server left it
	 * @throws UncheckedIOException if connecting or reading the response fails or times
	 * out
	 */
	public static RawWebSocket connect(URI uri, Map<String, String> extraHeaders) {
		return connect(uri, extraHeaders, new byte[0]);
	}

	/**
	 * Sends the upgrade request and closes the connection once the status line is in: for
	 * tests of what the server answers (101, 401, 403, 429, 503, ...).
	 * @param uri a {@code ws://} URI
	 * @param extraHeaders headers to add to or replace in the request, as for
	 * {@link #connect(URI, Map)}
	 * @return the status code of the answer
	 * @throws UncheckedIOException if connecting or reading the response fails or times
	 * out
	 */
	public static int upgradeStatus(URI uri, Map<String, String> extraHeaders) {
		try (RawWebSocket ws = connect(uri, extraHeaders)) {
			return ws.status();
		}
	}

	/**
	 * Connects and sends the upgrade request with a masked text frame in the same write,
	 * not waiting for the 101 as RFC 6455 section 4.1 requires of clients: for testing
	 * how a server treats a client that sends before its connection is open. Inspect
	 * {@link #status()}, then read the server's answer with {@link #readFrame(Duration)}.
	 * @param uri a {@code ws://} URI
	 * @param text the text of the frame sent behind the request
	 * @return the connection, in whatever state the server left it
	 * @throws UncheckedIOException if connecting or reading the response fails or times
	 * out
	 */
	public static RawWebSocket connectSendingText(URI uri, String text) {
		return connectSendingTexts(uri, List.of(text));
	}

	/**
	 * As {@link #connectSendingText(URI, String)}, with several masked text frames, in
	 * order, in the write of the upgrade request.
	 * @param uri a {@code ws://} URI
	 * @param texts the texts of the frames sent behind the request
	 * @return the connection, in whatever state the server left it
	 * @throws UncheckedIOException if connecting or reading the response fails or times
	 * out
	 */
	public static RawWebSocket connectSendingTexts(URI uri, List<String> texts) {
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		for (String text : texts) {
			frames
				.writeBytes(new Frame(true, 0, Frame.TEXT, text.getBytes(StandardCharsets.UTF_8)).encode(true, RANDOM));
		}
		return connect(uri, Map.of(), frames.toByteArray());
	}

	private static RawWebSocket connect(URI uri, Map<String, String> extraHeaders, byte[] sentWithRequest) {
		return connect(uri, extraHeaders, sentWithRequest, null);
	}

	private static RawWebSocket connect(URI uri, Map<String, String> extraHeaders, byte[] sentWithRequest,
			@Nullable InetAddress localAddress) {
		if (!"ws".equalsIgnoreCase(uri.getScheme())) {
			throw new IllegalArgumentException("Only ws:// URIs are supported: " + uri);
		}
		byte[] nonce = new byte[16];
		RANDOM.nextBytes(nonce);
		Socket socket = new Socket();
		try {
			if (localAddress != null) {
				// A port chosen at bind time must not clash with the client side's
				// TIME_WAIT sockets.
				socket.setReuseAddress(true);
				socket.bind(new InetSocketAddress(localAddress, 0));
			}
			socket.connect(new InetSocketAddress(uri.getHost(), port(uri)), (int) HANDSHAKE_TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			return new RawWebSocket(uri, socket, Base64.getEncoder().encodeToString(nonce), extraHeaders,
					sentWithRequest);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("WebSocket handshake with " + uri + " failed", ex);
		}
	}

	/**
	 * The status line of the handshake response.
	 * @return for example {@code HTTP/1.1 101 Switching Protocols}
	 */
	public String statusLine() {
		return this.statusLine;
	}

	/**
	 * The status code of the handshake response.
	 * @return for example {@code 101}
	 */
	public int status() {
		return this.status;
	}

	/**
	 * The headers of the handshake response.
	 * @return an unmodifiable map from header name (looked up case-insensitively) to
	 * values
	 */
	public Map<String, List<String>> responseHeaders() {
		return this.responseHeaders;
	}

	/**
	 * The first value of a response header.
	 * @param name the header name, case-insensitive
	 * @return the value, or {@code null} if the header is absent
	 */
	public @Nullable String header(String name) {
		List<String> values = this.responseHeaders.get(name);
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

	/**
	 * The {@code Sec-WebSocket-Accept} value RFC 6455 requires for the key this client
	 * sent.
	 * @return the Base64 SHA-1 digest of the key and the protocol GUID
	 */
	public String expectedAccept() {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1")
				.digest((this.key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Writes one frame exactly as described; nothing is validated, so invalid frames can
	 * be sent. The payload length uses the shortest encoding: 7 bits, 16 bits from 126
	 * bytes, 64 bits from 65536 bytes.
	 * @param fin the FIN bit
	 * @param rsv the three RSV bits as a number from 0 to 7
	 * @param opcode the opcode, 0 to 15; see the constants on {@link Frame}
	 * @param payload the unmasked payload
	 * @param masked whether to mask the payload with a random key, as RFC 6455 requires
	 * of clients
	 */
	public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
		sendRawBytes(new Frame(fin, rsv, opcode, payload).encode(masked, RANDOM));
	}

	/**
	 * Sends a single masked, final text frame.
	 * @param text the text, encoded as UTF-8
	 */
	public void sendText(String text) {
		sendFrame(true, 0, Frame.TEXT, text.getBytes(StandardCharsets.UTF_8), true);
	}

	/**
	 * Sends a single masked, final binary frame.
	 * @param data the payload
	 */
	public void sendBinary(byte[] data) {
		sendFrame(true, 0, Frame.BINARY, data, true);
	}

	/**
	 * Sends a masked close frame with a status code and reason; await the server's answer
	 * with {@link #awaitClose(Duration)}. To send a close frame without a body, use
	 * {@code sendFrame(true, 0, Frame.CLOSE, new byte[0], true)}.
	 * @param code the close code, written as two bytes without validation
	 * @param reason the reason, encoded as UTF-8
	 */
	public void sendClose(int code, String reason) {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		byte[] payload = new byte[2 + text.length];
		payload[0] = (byte) (code >>> 8);
		payload[1] = (byte) code;
		System.arraycopy(text, 0, payload, 2, text.length);
		sendFrame(true, 0, Frame.CLOSE, payload, true);
	}

	/**
	 * Writes bytes to the socket as they are, for byte-level malformations.
	 * @param bytes the bytes
	 */
	public void sendRawBytes(byte[] bytes) {
		try {
			synchronized (this.out) {
				this.out.write(bytes);
				this.out.flush();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write to " + this.uri, ex);
		}
	}

	/**
	 * Reads the next frame. After a timeout mid-frame the stream position is undefined.
	 * @param timeout how long to wait for the whole frame
	 * @return the frame, unmasked
	 * @throws AssertionError on timeout, when the server closed the connection, or when
	 * the server masked its frame (RFC 6455 section 5.1 forbids that)
	 */
	public Frame readFrame(Duration timeout) {
		try {
			Frame frame = this.reader.readFrame(WsInbox.deadline(timeout));
			if (frame == null) {
				throw new AssertionError("The server closed the connection while a frame was awaited");
			}
			return frame;
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("Timed out after " + WsInbox.format(timeout) + " awaiting a frame", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read a frame from " + this.uri, ex);
		}
	}

	/**
	 * Reads frames until a close frame, skipping all others.
	 * @param timeout how long to wait for the close frame
	 * @return the close frame
	 * @throws AssertionError on timeout or when the connection ends without a close
	 * frame; the message lists the frames skipped
	 */
	public Frame awaitClose(Duration timeout) {
		long deadline = WsInbox.deadline(timeout);
		List<Frame> skipped = new ArrayList<>();
		try {
			for (Frame frame = this.reader.readFrame(deadline); frame != null; frame = this.reader
				.readFrame(deadline)) {
				if (frame.opcode() == Frame.CLOSE) {
					return frame;
				}
				skipped.add(frame);
			}
			throw new AssertionError("The connection ended without a close frame; frames before: " + skipped);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError(
					"Timed out after " + WsInbox.format(timeout) + " awaiting a close frame; frames before: " + skipped,
					ex);
		}
		catch (IOException ex) {
			throw new AssertionError("The connection failed while awaiting a close frame; frames before: " + skipped,
					ex);
		}
	}

	/**
	 * Reads and discards frames until the server closes the connection.
	 * @param timeout how long to wait
	 * @return {@code true} if the server closed (or reset) the connection in time,
	 * {@code false} on timeout
	 */
	public boolean awaitEof(Duration timeout) {
		long deadline = WsInbox.deadline(timeout);
		try {
			while (this.reader.readFrame(deadline) != null) {
				// discard
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			// EOF mid-frame or a reset: the server closed the connection either way.
			return true;
		}
	}

	/** Closes the socket at once, without a closing handshake. */
	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	/**
	 * Drops the connection with a TCP reset, as a client that vanishes does: no closing
	 * handshake and no FIN, so this side keeps no {@code TIME_WAIT} socket (a test that
	 * opens thousands of connections a minute from one address would otherwise run out of
	 * ports).
	 */
	public void abort() {
		try {
			this.socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// closed already: nothing to reset
		}
		closeQuietly(this.socket);
	}

	@Override
	public String toString() {
		return "RawWebSocket[" + this.uri + ", " + this.statusLine + "]";
	}

	/**
	 * Reads the body of a response other than 101, as announced by its
	 * {@code Content-Length}: for tests of what a rejected handshake says. Call it once,
	 * before anything else is read.
	 * @return the body as UTF-8, or an empty string if there is none or it cannot be read
	 * in 2 seconds
	 */
	public String responseBody() {
		return readBodyQuietly();
	}

	/**
	 * Reads a body announced by Content-Length, for the rejection message; empty if
	 * unavailable.
	 */
	private String readBodyQuietly() {
		try {
			byte[] body = new byte[Math.min(Integer.parseInt(String.valueOf(header("Content-Length")).trim()), 65536)];
			this.reader.readFully(body, WsInbox.deadline(Duration.ofSeconds(2)));
			return new String(body, StandardCharsets.UTF_8);
		}
		catch (NumberFormatException | IOException ex) {
			return "";
		}
	}

	private static String handshakeRequest(URI uri, String key, Map<String, String> extraHeaders) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Host", uri.getHost() + ":" + port(uri));
		headers.put("Upgrade", "websocket");
		headers.put("Connection", "Upgrade");
		headers.put("Sec-WebSocket-Key", key);
		headers.put("Sec-WebSocket-Version", "13");
		extraHeaders.forEach((name, value) -> {
			headers.keySet().removeIf(name::equalsIgnoreCase);
			if (!value.isEmpty()) {
				headers.put(name, value);
			}
		});
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		StringBuilder request = new StringBuilder("GET ").append(path)
			.append((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "")
			.append(" HTTP/1.1\r\n");
		headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		return request.append("\r\n").toString();
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : 80;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

}
