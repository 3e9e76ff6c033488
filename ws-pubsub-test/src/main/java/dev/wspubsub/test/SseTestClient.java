package dev.wspubsub.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A Server-Sent Events client over the JDK's HTTP client for tests: every line of the
 * stream is queued as it arrives, and every wait is bounded. Read it line by line
 * ({@link #awaitLine}) or event by event ({@link #awaitEvent}), as an {@code EventSource}
 * would dispatch them; both take from the same queue.
 *
 * <pre>{@code
 * try (SseTestClient sse = SseTestClient.connect(URI.create("http://localhost:" + port + "/sse/news"),
 *         Duration.ofSeconds(10), Map.of("Last-Event-ID", lastId))) {
 *     SseTestClient.Event next = sse.awaitEvent(Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class SseTestClient implements AutoCloseable {

	private static final String END = "\u0000end";

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	/** How many of the last lines a failure shows. */
	private static final int SHOWN = 40;

	private final Deque<String> seen = new ArrayDeque<>();

	private SseTestClient(HttpResponse<InputStream> response) {
		this.response = response;
		Thread reader = new Thread(this::read, "sse-test-reader");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Opens a stream.
	 * @param uri an {@code http://} URI of an event stream
	 * @param timeout how long to wait for the response's head
	 * @return the client, reading the body as it arrives
	 */
	public static SseTestClient connect(URI uri, Duration timeout) {
		return connect(uri, timeout, Map.of());
	}

	/**
	 * Opens a stream with request headers, such as {@code Last-Event-ID}.
	 * @param uri an {@code http://} URI of an event stream
	 * @param timeout how long to wait for the response's head
	 * @param headers added to the request
	 * @return the client, reading the body as it arrives
	 */
	public static SseTestClient connect(URI uri, Duration timeout, Map<String, String> headers) {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(timeout)
			.build();
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
		headers.forEach(request::header);
		try {
			return new SseTestClient(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (Exception ex) {
			throw new IllegalStateException("No response from " + uri + " within " + timeout, ex);
		}
	}

	/** The response, whose status and headers a test may check. */
	public HttpResponse<InputStream> response() {
		return this.response;
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// closed by the test
		}
		this.lines.add(END);
	}

	/**
	 * Waits for the next line that matches, skipping others.
	 * @throws AssertionError after {@code timeout}, or when the stream ends first
	 */
	public String awaitLine(Predicate<String> matching, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			String line = nextLine(deadline, timeout);
			if (line == null) {
				throw new AssertionError(
						"No matching line within " + timeout + " (stream ended); last received " + this.seen);
			}
			if (matching.test(line)) {
				return line;
			}
		}
	}

	/** Waits for the next line equal to {@code line}, skipping others. */
	public String awaitLine(String line, Duration timeout) {
		return awaitLine(line::equals, timeout);
	}

	/**
	 * Waits for the next event an {@code EventSource} would dispatch: comments and
	 * {@code retry} fields are skipped, and an event without data lines is not one.
	 * @throws AssertionError after {@code timeout}, or when the stream ends first
	 */
	public Event awaitEvent(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String id = null;
		String type = null;
		StringBuilder data = null;
		while (true) {
			String line = nextLine(deadline, timeout);
			if (line == null) {
				throw new AssertionError("No event within " + timeout + " (stream ended); last received " + this.seen);
			}
			if (line.isEmpty()) {
				if (data != null) {
					return new Event(id, (type != null) ? type : "message", data.toString());
				}
				type = null;
				continue;
			}
			int colon = line.indexOf(':');
			String field = (colon >= 0) ? line.substring(0, colon) : line;
			String value = (colon >= 0) ? line.substring(colon + 1) : "";
			value = value.startsWith(" ") ? value.substring(1) : value;
			switch (field) {
				case "id" -> id = value;
				case "event" -> type = value;
				case "data" -> data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
				default -> {
					// a comment or retry
				}
			}
		}
	}

	/** Waits until the server ends the stream. */
	public void awaitEnd(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (nextLine(deadline, timeout) != null) {
			// skipping what is left
		}
	}

	/** The next line; {@code null} once the stream has ended. */
	private @Nullable String nextLine(long deadline, Duration timeout) {
		try {
			long left = deadline - System.nanoTime();
			String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : this.lines.poll();
			if (line == null) {
				throw new AssertionError("Nothing within " + timeout + "; last received " + this.seen);
			}
			if (END.equals(line)) {
				this.lines.add(END); // ended for every later wait too
				return null;
			}
			this.seen.addLast(line);
			if (this.seen.size() > SHOWN) {
				this.seen.removeFirst();
			}
			return line;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One dispatched event.
	 *
	 * @param id its {@code id} field, {@code null} when it had none
	 * @param event its type, {@code message} unless it had an {@code event} field
	 * @param data its data lines joined with line feeds
	 */
	public record Event(@Nullable String id, String event, String data) {
	}

}
