package dev.wspubsub.internal.history;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Log lines a test provokes on purpose, kept out of the build's output and handed to the
 * test to assert on, so that an unexpected WARN or ERROR in a green build stands out.
 * Matched by level and text rather than by logger, whose name is the library's business.
 */
final class ExpectedLog extends TurboFilter implements AutoCloseable {

	private final Level level;

	private final List<String> texts;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private ExpectedLog(Level level, List<String> texts) {
		this.level = level;
		this.texts = texts;
	}

	/**
	 * Captures, instead of printing, lines at {@code level} containing any of
	 * {@code texts}. An application context that starts resets Logback, this filter
	 * included: start it after the contexts of the test.
	 */
	static ExpectedLog capture(Level level, String... texts) {
		ExpectedLog log = new ExpectedLog(level, List.of(texts));
		log.start();
		context().addTurboFilter(log);
		return log;
	}

	/** The lines captured so far. */
	List<String> lines() {
		return List.copyOf(this.lines);
	}

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
		if (level == this.level && format != null && this.texts.stream().anyMatch(format::contains)) {
			this.lines.add(format);
			return FilterReply.DENY;
		}
		return FilterReply.NEUTRAL;
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
