package dev.wspubsub.testapp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log lines a test provokes on purpose, kept out of the build's output and handed to the
 * test to assert on, so that an unexpected WARN or ERROR in a green build stands out.
 * Matched by level and text rather than by logger, whose name is the library's business.
 */
public final class ExpectedLog extends TurboFilter implements AutoCloseable {

	private final Level level;

	private final List<String> texts;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final List<Throwable> thrown = new CopyOnWriteArrayList<>();

	private ExpectedLog(Level level, List<String> texts) {
		this.level = level;
		this.texts = texts;
	}

	/**
	 * Captures, instead of printing, lines at {@code level} whose message contains any of
	 * {@code texts}, until closed. An application that starts resets Logback, this
	 * capture included: open it once the test's applications have started.
	 */
	public static ExpectedLog capture(Level level, String... texts) {
		ExpectedLog log = new ExpectedLog(level, List.of(texts));
		log.start();
		context().addTurboFilter(log);
		return log;
	}

	/**
	 * What a Redis outage that a test makes on purpose logs at WARN: ws-pubsub's fan-out,
	 * and Lettuce's reconnects and cluster topology refreshes.
	 */
	public static ExpectedLog redisOutage() {
		return capture(Level.WARN, "Redis SUBSCRIBE of", "Redis UNSUBSCRIBE of", "Redis fan-out of node",
				"Redis fan-out publish buffer is full", "Cannot reconnect to", "Unable to connect to");
	}

	/**
	 * Runs {@code start}, which starts a context that the test means to fail, without the
	 * WARN that Spring logs when it cancels the start; asserts that the start logged it.
	 */
	public static void startupFailure(Runnable start) {
		try (ExpectedLog log = capture(Level.WARN, "Exception encountered during context initialization")) {
			start.run();
			assertThat(log.lines()).as("cancelled starts").hasSize(1);
		}
	}

	/** The messages captured so far, their arguments filled in. */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/** The messages captured so far that contain {@code text}. */
	public List<String> lines(String text) {
		return this.lines.stream().filter((line) -> line.contains(text)).toList();
	}

	/** The exceptions the captured lines carried. */
	public List<Throwable> thrown() {
		return List.copyOf(this.thrown);
	}

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
		if (level != this.level || format == null || this.texts.stream().noneMatch(format::contains)) {
			return FilterReply.NEUTRAL;
		}
		FormattingTuple message = MessageFormatter.arrayFormat(format, params, t);
		this.lines.add(message.getMessage());
		if (message.getThrowable() != null) {
			this.thrown.add(message.getThrowable());
		}
		return FilterReply.DENY;
	}

	@Override
	public void close() {
		context().getTurboFilterList().remove(this);
		stop();
	}

	private static LoggerContext context() {
		return (LoggerContext) LoggerFactory.getILoggerFactory();
	}

}
