package dev.wspubsub.test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket client over a real socket for tests, built on the JDK's {@link WebSocket}.
 *
 * <p>
 * Everything the server sends is queued as it arrives: text messages (fragments
 * reassembled), binary messages and pongs each in their own queue, so a test can send and
 * then await replies in order. Every wait is bounded, by an explicit timeout or by the
 * {@linkplain Builder#defaultTimeout(Duration) default timeout} (10 seconds), and fails
 * with an {@link AssertionError} that says what was awaited and what was received. Waits
 * for messages end early when the connection closes, and
 * {@link #assertNoMessage(Duration)} fails on a close. Instances are thread-safe.
 *
 * <pre>{@code
 * try (WsTestClient client = WsTestClient.connect(URI.create("ws://localhost:" + port + "/ws?username=ann"))) {
 *     client.sendJson(Map.of("type", "join_room", "room", "general"));
 *     JsonNode joined = client.awaitType("room_joined");
 * }
 * }</pre>
 */
public final class WsTestClient implements AutoCloseable {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long {@link #close()} waits for the server's close frame before dropping the
	 * connection.
	 */
	private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

	private static final JsonMapper JSON = JsonMapper.shared();

	private final URI uri;

	private final WsInbox inbox;

	private final ClientSender connection;

	private final Duration defaultTimeout;

	private WsTestClient(URI uri, WsInbox inbox, ClientSender connection, Duration defaultTimeout) {
		this.uri = uri;
		this.inbox = inbox;
		this.connection = connection;
		this.defaultTimeout = defaultTimeout;
	}

	/**
	 * Connects with default settings.
	 * @param uri a {@code ws://} or {@code wss://} URI
	 * @return the connected client
	 * @throws WsUpgradeRejectedException if the server refuses the upgrade
	 * @throws UncheckedIOException if the connection cannot be established
	 */
	public static WsTestClient connect(URI uri) {
		return builder(uri).connect();
	}

	/**
	 * Starts configuring a connection.
	 * @param uri a {@code ws://} or {@code wss://} URI
	 * @return a builder; finish with {@link Builder#connect()}
	 */
	public static Builder builder(URI uri) {
		return new Builder(uri);
	}

	/**
	 * Sends a text message and waits until it is written.
	 * @param text the message
	 */
	public void send(String text) {
		this.connection.send("text message", this.defaultTimeout, (ws) -> ws.sendText(text, true));
	}

	/**
	 * Sends a binary message and waits until it is written.
	 * @param data the message
	 */
	public void sendBinary(byte[] data) {
		this.connection.send("binary message", this.defaultTimeout,
				(ws) -> ws.sendBinary(ByteBuffer.wrap(data.clone()), true));
	}

	/**
	 * Serializes {@code message} to JSON with Jackson and sends it as a text message.
	 * @param message a map, record, bean or {@link JsonNode}; a {@code String} becomes a
	 * JSON string
	 */
	public void sendJson(Object message) {
		send(JSON.writeValueAsString(message));
	}

	/**
	 * Sends a ping; await the server's answer with {@link #awaitPong(Duration)}.
	 * @param payload at most 125 bytes
	 */
	public void ping(byte[] payload) {
		this.connection.send("ping", this.defaultTimeout, (ws) -> ws.sendPing(ByteBuffer.wrap(payload.clone())));
	}

	/**
	 * Sends {@code text} and waits for the next text message.
	 * @param text the message to send
	 * @return the next text message received
	 */
	public String sendAndAwait(String text) {
		send(text);
		return awaitMessage();
	}

	/**
	 * Sends {@code message} as JSON and waits for the next text message, parsed as JSON.
	 * @param message the message to serialize and send
	 * @return the next text message received, as JSON
	 */
	public JsonNode sendJsonAndAwait(Object message) {
		sendJson(message);
		return awaitJson();
	}

	/**
	 * Waits, up to the default timeout, for the next text message and removes it from the
	 * queue.
	 * @return the message
	 */
	public String awaitMessage() {
		return awaitMessage(this.defaultTimeout);
	}

	/**
	 * Waits for the next text message and removes it from the queue.
	 * @param timeout how long to wait
	 * @return the message
	 */
	public String awaitMessage(Duration timeout) {
		String message = this.inbox.pollText(WsInbox.deadline(timeout));
		if (message == null) {
			throw this.inbox.failure("a text message", timeout);
		}
		return message;
	}

	/**
	 * Waits for the next {@code n} text messages.
	 * @param n how many messages
	 * @param timeout how long to wait for all of them together
	 * @return the messages in the order received
	 */
	public List<String> awaitMessages(int n, Duration timeout) {
		long deadline = WsInbox.deadline(timeout);
		List<String> messages = new ArrayList<>(n);
		while (messages.size() < n) {
			String message = this.inbox.pollText(deadline);
			if (message == null) {
				throw this.inbox.failure(n + " text messages (got " + messages.size() + ": " + messages + ")", timeout);
			}
			messages.add(message);
		}
		return messages;
	}

	/**
	 * Waits, up to the default timeout, for the next binary message.
	 * @return the message
	 */
	public byte[] awaitBinary() {
		return awaitBinary(this.defaultTimeout);
	}

	/**
	 * Waits for the next binary message and removes it from the queue.
	 * @param timeout how long to wait
	 * @return the message
	 */
	public byte[] awaitBinary(Duration timeout) {
		byte[] message = this.inbox.pollBinary(WsInbox.deadline(timeout));
		if (message == null) {
			throw this.inbox.failure("a binary message", timeout);
		}
		return message;
	}

	/**
	 * Waits, up to the default timeout, for the next text message and parses it as JSON.
	 * @return the message as JSON
	 */
	public JsonNode awaitJson() {
		return awaitJson(this.defaultTimeout);
	}

	/**
	 * Waits for the next text message and parses it as JSON.
	 * @param timeout how long to wait
	 * @return the message as JSON
	 * @throws AssertionError also when the message is not JSON
	 */
	public JsonNode awaitJson(Duration timeout) {
		String message = awaitMessage(timeout);
		JsonNode json = parseOrNull(message);
		if (json == null) {
			throw new AssertionError("Expected a JSON message but received: " + WsInbox.abbreviate(message));
		}
		return json;
	}

	/**
	 * Waits, up to the default timeout, for a JSON message whose {@code type} field
	 * equals {@code type}; see {@link #awaitType(String, Duration)}.
	 * @param type the expected value of the {@code type} field
	 * @return the matching message
	 */
	public JsonNode awaitType(String type) {
		return awaitType(type, this.defaultTimeout);
	}

	/**
	 * Waits for the next JSON message whose {@code type} field equals {@code type}. Text
	 * messages received before it that do not match (including non-JSON ones) are
	 * <em>discarded</em>; they are listed in the failure message if none matches in time.
	 * @param type the expected value of the {@code type} field
	 * @param timeout how long to wait
	 * @return the matching message
	 */
	public JsonNode awaitType(String type, Duration timeout) {
		long deadline = WsInbox.deadline(timeout);
		List<String> discarded = new ArrayList<>();
		while (true) {
			String message = this.inbox.pollText(deadline);
			if (message == null) {
				throw this.inbox.failure("a JSON message with \"type\": \"" + type + "\" (discarded " + discarded.size()
						+ ": " + discarded + ")", timeout);
			}
			JsonNode json = parseOrNull(message);
			JsonNode actual = (json != null) ? json.path("type") : null;
			if (actual != null && actual.isString() && type.equals(actual.stringValue())) {
				return json;
			}
			discarded.add(WsInbox.abbreviate(message));
		}
	}

	/**
	 * Waits the full {@code duration} on an open connection and fails if a text or binary
	 * message arrives meanwhile (or is already queued), or if the connection is closed or
	 * closes meanwhile: a closed connection receives nothing, so silence on it would
	 * prove nothing. Queued messages are left in place. To check what arrived before an
	 * expected close, use {@link #awaitClose(Duration)} and then {@link #drain()}.
	 * @param duration how long the server must stay quiet
	 */
	public void assertNoMessage(Duration duration) {
		String message = this.inbox.peekAnyMessage(WsInbox.deadline(duration));
		if (message != null) {
			throw new AssertionError("Expected no message within " + WsInbox.format(duration) + " but received "
					+ message + "; " + this.inbox.describe());
		}
		CloseStatus status = this.inbox.closeStatus();
		if (status != null) {
			throw new AssertionError(
					"Expected no message within " + WsInbox.format(duration) + " on an open connection, but it closed ("
							+ status.code() + " \"" + status.reason() + "\"); " + this.inbox.describe());
		}
	}

	/**
	 * Removes and returns the text messages queued now, without waiting. Binary messages
	 * stay queued.
	 * @return the queued text messages, possibly none
	 */
	public List<String> drain() {
		return this.inbox.drainTexts();
	}

	/**
	 * Waits for the next pong, typically the answer to {@link #ping(byte[])}.
	 * @param timeout how long to wait
	 * @return the pong's payload
	 */
	public byte[] awaitPong(Duration timeout) {
		byte[] pong = this.inbox.pollPong(WsInbox.deadline(timeout));
		if (pong == null) {
			throw this.inbox.failure("a pong", timeout);
		}
		return pong;
	}

	/**
	 * Waits, up to the default timeout, for the connection to close.
	 * @return how it closed
	 */
	public CloseStatus awaitClose() {
		return awaitClose(this.defaultTimeout);
	}

	/**
	 * Waits for the connection to close: for the server's close frame, or for the
	 * connection to drop (code 1006).
	 * @param timeout how long to wait
	 * @return how it closed
	 */
	public CloseStatus awaitClose(Duration timeout) {
		CloseStatus status = this.inbox.pollClose(WsInbox.deadline(timeout));
		if (status == null) {
			throw new AssertionError("Timed out after " + WsInbox.format(timeout)
					+ " while awaiting the close of the connection; " + this.inbox.describe());
		}
		return status;
	}

	/**
	 * Whether the connection is open in both directions.
	 * @return {@code false} once either side started closing or the connection dropped
	 */
	public boolean isOpen() {
		return this.inbox.closeStatus() == null && !this.connection.webSocket().isOutputClosed();
	}

	/**
	 * The subprotocol the server selected.
	 * @return the subprotocol, or an empty string when none was selected
	 */
	public String subprotocol() {
		return this.connection.webSocket().getSubprotocol();
	}

	/**
	 * Closes normally (code 1000), waits briefly for the server's close frame, then
	 * releases the connection. Does nothing harmful when already closed, so it suits
	 * try-with-resources.
	 */
	@Override
	public void close() {
		close(WebSocket.NORMAL_CLOSURE, "");
	}

	/**
	 * Sends a close frame with the given code and reason, waits briefly (up to 2 seconds)
	 * for the server's close frame, whose status {@link #awaitClose()} then returns, and
	 * releases the connection. The JDK only accepts codes 1000 and 3000–4999 here; use
	 * {@link RawWebSocket} for others.
	 * @param code the close code
	 * @param reason the close reason, at most 123 bytes in UTF-8
	 */
	public void close(int code, String reason) {
		Duration grace = (this.defaultTimeout.compareTo(CLOSE_GRACE) < 0) ? this.defaultTimeout : CLOSE_GRACE;
		this.connection.close(code, reason, grace);
	}

	/**
	 * Drops the TCP connection without a close handshake; the close status becomes 1006.
	 */
	public void abort() {
		this.connection.abort();
	}

	@Override
	public String toString() {
		return "WsTestClient[" + this.uri + ", " + this.inbox.describe() + "]";
	}

	private static @Nullable JsonNode parseOrNull(String text) {
		try {
			JsonNode json = JSON.readTree(text);
			// Blank input parses to a missing node rather than failing; it is not a JSON
			// message either.
			return json.isMissingNode() ? null : json;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** Configures and opens a {@link WsTestClient}. */
	public static final class Builder {

		private final URI uri;

		private final List<String[]> headers = new ArrayList<>();

		private String[] subprotocols = new String[0];

		private Duration connectTimeout = DEFAULT_TIMEOUT;

		private Duration defaultTimeout = DEFAULT_TIMEOUT;

		private Builder(URI uri) {
			this.uri = Objects.requireNonNull(uri, "uri");
		}

		/**
		 * Adds a header to the upgrade request. The JDK refuses headers it manages
		 * itself, such as {@code Sec-WebSocket-*}, {@code Connection} and
		 * {@code Upgrade}.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			this.headers.add(new String[] { name, value });
			return this;
		}

		/**
		 * Sets the subprotocols to offer, most preferred first.
		 * @param subprotocols the subprotocols
		 * @return this builder
		 */
		public Builder subprotocols(String... subprotocols) {
			this.subprotocols = subprotocols.clone();
			return this;
		}

		/**
		 * Sets how long the opening handshake may take; 10 seconds unless set.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = timeout;
			return this;
		}

		/**
		 * Sets the timeout of awaits without an explicit one, and of sends; 10 seconds
		 * unless set.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder defaultTimeout(Duration timeout) {
			this.defaultTimeout = timeout;
			return this;
		}

		/**
		 * Opens the connection.
		 * @return the connected client
		 * @throws WsUpgradeRejectedException if the server refuses the upgrade
		 * @throws UncheckedIOException if the connection cannot be established in time
		 */
		public WsTestClient connect() {
			WsInbox inbox = new WsInbox();
			ClientSender connection = ClientSender.open(this.uri, this.headers, this.subprotocols, this.connectTimeout,
					inbox);
			return new WsTestClient(this.uri, inbox, connection, this.defaultTimeout);
		}

	}

}
