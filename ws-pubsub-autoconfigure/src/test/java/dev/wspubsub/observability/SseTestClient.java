package dev.wspubsub.observability;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client over the JDK's HTTP client for tests: every line of the
 * stream is queued as it arrives, and waits are bounded.
 */
final class SseTestClient implements AutoCloseable {

	private static final String END = "\u0000end";

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final List<String> seen = new ArrayList<>();

	private SseTestClient(HttpResponse<InputStream> response) {
		this.response = response;
		Thread reader = new Thread(this::read, "sse-test-reader");
		reader.setDaemon(true);
		reader.start();
	}

	static SseTestClient connect(URI uri, Duration timeout) {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
		HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build();
		try {
			return new SseTestClient(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (Exception ex) {
			throw new IllegalStateException("No response from " + uri + " within " + timeout, ex);
		}
	}

	HttpResponse<InputStream> response() {
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

	/** Waits for the next line that matches, skipping others; fails after {@code timeout}. */
	String awaitLine(Predicate<String> matching, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				long left = deadline - System.nanoTime();
				String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
				if (line != null && END.equals(line) && matching.test(line)) {
					return line;
				}
				if (line == null || END.equals(line)) {
					throw new AssertionError("No matching line within " + timeout + (END.equals(line) ? " (stream ended)" : "")
							+ "; received " + this.seen);
				}
				this.seen.add(line);
				if (matching.test(line)) {
					return line;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	String awaitLine(String line, Duration timeout) {
		return awaitLine(line::equals, timeout);
	}

	/** Waits until the server ends the stream. */
	void awaitEnd(Duration timeout) {
		awaitLine(END::equals, timeout);
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

}
