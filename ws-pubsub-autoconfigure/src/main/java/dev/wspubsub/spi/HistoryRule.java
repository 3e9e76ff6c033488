package dev.wspubsub.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which topics keep a history, and how much of it: at most {@code size} publications,
 * each for at most {@code ttl}. In a pattern {@code *} matches any characters.
 *
 * @param stampPosition whether JSON object messages of these topics get {@code "epoch"}
 * and {@code "offset"} fields, so clients learn where to resume from
 */
public record HistoryRule(String pattern, int size, Duration ttl, boolean stampPosition) {

	public HistoryRule {
		Objects.requireNonNull(pattern, "pattern");
		Objects.requireNonNull(ttl, "ttl");
		if (pattern.isEmpty()) {
			throw new IllegalArgumentException("A history rule needs a topic pattern");
		}
		if (size < 1) {
			throw new IllegalArgumentException("History size of '" + pattern + "' must be at least 1, was " + size);
		}
		if (ttl.isNegative() || ttl.isZero() || ttl.toMillis() == 0) {
			throw new IllegalArgumentException("History ttl of '" + pattern + "' must be at least 1ms, was " + ttl);
		}
	}

	Pattern toRegex() {
		StringBuilder regex = new StringBuilder();
		int start = 0;
		for (int star = this.pattern.indexOf('*'); star >= 0; star = this.pattern.indexOf('*', start)) {
			regex.append(Pattern.quote(this.pattern.substring(start, star))).append(".*");
			start = star + 1;
		}
		regex.append(Pattern.quote(this.pattern.substring(start)));
		return Pattern.compile(regex.toString(), Pattern.DOTALL);
	}
}
