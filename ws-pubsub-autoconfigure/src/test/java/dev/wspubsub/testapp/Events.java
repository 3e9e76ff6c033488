package dev.wspubsub.testapp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.testapp.Messages.Audit;
import dev.wspubsub.testapp.Messages.Closed;

import org.springframework.stereotype.Component;

/** What the test endpoints saw, by session id, for tests to await with a bound. */
@Component
public class Events {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final Map<String, CompletableFuture<Closed>> closes = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> drains = new ConcurrentHashMap<>();

	public final BlockingQueue<Audit> audits = new LinkedBlockingQueue<>();

	public void closed(String id, Closed closed) {
		future(this.closes, id).complete(closed);
	}

	public void drained(String id) {
		this.drains.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
	}

	public Closed awaitClose(String id) {
		return await(future(this.closes, id), "@OnClose of " + id);
	}

	public boolean hasClosed(String id) {
		return future(this.closes, id).isDone();
	}

	public int drains(String id) {
		AtomicInteger drains = this.drains.get(id);
		return (drains != null) ? drains.get() : 0;
	}

	public Audit awaitAudit() {
		try {
			Audit audit = this.audits.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (audit == null) {
				throw new AssertionError("No @Topic(\"audit\") message within " + TIMEOUT);
			}
			return audit;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static <T> CompletableFuture<T> future(Map<String, CompletableFuture<T>> futures, String id) {
		return futures.computeIfAbsent(id, (key) -> new CompletableFuture<>());
	}

	private static <T> T await(CompletableFuture<T> future, String what) {
		try {
			return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("Timed out awaiting " + what, ex);
		}
	}

}
