package dev.wspubsub.spi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The history rules in order; the first that matches a topic is its rule. Answers from a
 * cache, so a publish pays one map lookup, and nothing at all when there are no rules.
 */
public final class HistoryRules {

	/** Past this many distinct topics the cache starts over: topics are free-form. */
	private static final int MAX_CACHED = 10_000;

	private static final Object NONE = new Object();

	private final List<HistoryRule> rules;

	private final List<Pattern> patterns;

	private final Map<String, Object> cache = new ConcurrentHashMap<>();

	public HistoryRules(List<HistoryRule> rules) {
		this.rules = List.copyOf(rules);
		this.patterns = this.rules.stream().map(HistoryRule::toRegex).toList();
	}

	/** Whether no topic keeps a history. */
	public boolean isEmpty() {
		return this.rules.isEmpty();
	}

	public List<HistoryRule> rules() {
		return this.rules;
	}

	/** The rule of {@code topic}, or {@code null} when it keeps no history. */
	public @Nullable HistoryRule ruleFor(String topic) {
		if (this.rules.isEmpty()) {
			return null;
		}
		Object cached = this.cache.get(topic);
		if (cached == null) {
			cached = NONE;
			for (int i = 0; i < this.rules.size(); i++) {
				if (this.patterns.get(i).matcher(topic).matches()) {
					cached = this.rules.get(i);
					break;
				}
			}
			if (this.cache.size() >= MAX_CACHED) {
				this.cache.clear();
			}
			this.cache.put(topic, cached);
		}
		return (cached instanceof HistoryRule rule) ? rule : null;
	}

}
