package dev.wspubsub.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The sending half of {@link WsTestClient}: opens the JDK {@link WebSocket} and performs
 * bounded, serialized sends on it.
 */
final class ClientSender {

	// Shared because on Java 17 an HttpClient cannot be closed and each one keeps a
	// selector thread.
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final WebSocket webSocket;

	private final WsInbox inbox;

	// The JDK rejects a send while another is pending, so sends are serialized and
	// awaited.
	private final Object sendLock = new Object();

	private ClientSender(WebSocket webSocket, WsInbox inbox) {
		this.webSocket = webSocket;
		this.inbox = inbox;
	}

	static ClientSender open(URI uri, List<String[]> headers, String[] subprotocols, Duration connectTimeout,
			WsInbox inbox) {
		WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(connectTimeout);
		headers.forEach((header) -> builder.header(header[0], header[1]));
		if (subprotocols.length > 0) {
			builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
		}
		CompletableFuture<WebSocket> opening = builder.buildAsync(uri, inbox);
		try {
			// The JDK enforces connectTimeout itself; the margin only guards against it
			// not doing so.
			return new ClientSender(opening.get(connectTimeout.plusSeconds(1).toNanos(), TimeUnit.NANOSECONDS), inbox);
		}
		catch (ExecutionException ex) {
			throw connectFailure(uri, ex.getCause());
		}
		catch (TimeoutException ex) {
			opening.thenAccept(WebSocket::abort);
			throw new UncheckedIOException(new IOException(
					"WebSocket handshake with " + uri + " did not complete within " + WsInbox.format(connectTimeout)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			opening.thenAccept(WebSocket::abort);
			throw new IllegalStateException("Interrupted while connecting to " + uri, ex);
		}
	}

	WebSocket webSocket() {
		return this.webSocket;
	}

	/**
	 * Runs {@code send} and waits for it to complete, turning failures into exceptions
	 * that explain.
	 */
	void send(String what, Duration timeout, Function<WebSocket, CompletableFuture<WebSocket>> send) {
		if (this.inbox.closeStatus() != null) {
			// The JDK closes the output only once it has answered the server's close
			// frame: until then a
			// send would still go out, so whether it failed depended on timing.
			throw new UncheckedIOException("Could not send a " + what + "; " + this.inbox.describe(),
					new IOException("The connection is closed"));
		}
		write(what, timeout, send);
	}

	private void write(String what, Duration timeout, Function<WebSocket, CompletableFuture<WebSocket>> send) {
		synchronized (this.sendLock) {
			try {
				send.apply(this.webSocket).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				throw new AssertionError("Sending a " + what + " did not complete within " + WsInbox.format(timeout)
						+ "; " + this.inbox.describe(), ex);
			}
			catch (ExecutionException ex) {
				throw new UncheckedIOException("Could not send a " + what + "; " + this.inbox.describe(),
						asIOException(ex.getCause()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while sending a " + what, ex);
			}
		}
	}

	/**
	 * Sends a close frame unless one was sent, waits up to {@code grace} for the
	 * server's, then aborts.
	 */
	void close(int code, String reason, Duration grace) {
		long deadline = WsInbox.deadline(grace);
		if (!this.webSocket.isOutputClosed()) {
			try {
				write("close frame", grace, (ws) -> ws.sendClose(code, reason));
			}
			catch (AssertionError | UncheckedIOException ex) {
				// Ignored: the connection is released below either way.
			}
			catch (IllegalArgumentException ex) {
				// A code or reason the JDK refuses is a mistake in the test: report it,
				// but release the connection.
				abort();
				throw ex;
			}
		}
		this.inbox.pollClose(deadline);
		abort();
	}

	void abort() {
		this.webSocket.abort();
		this.inbox.closed(CloseStatus.ABNORMAL, "aborted by the client");
	}

	private static RuntimeException connectFailure(URI uri, @Nullable Throwable cause) {
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof WebSocketHandshakeException rejected) {
			HttpResponse<?> response = rejected.getResponse();
			Object body = response.body();
			return new WsUpgradeRejectedException(uri, response.statusCode(), (body != null) ? body.toString() : "",
					response.headers().map());
		}
		if (cause instanceof RuntimeException runtime) {
			return runtime;
		}
		return new UncheckedIOException("Could not connect to " + uri, asIOException(cause));
	}

	private static IOException asIOException(@Nullable Throwable cause) {
		return (cause instanceof IOException io) ? io : new IOException(cause);
	}

}
