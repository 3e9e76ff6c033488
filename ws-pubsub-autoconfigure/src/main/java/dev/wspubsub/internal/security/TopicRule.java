package dev.wspubsub.internal.security;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One topic rule: a pattern, and whether matching topics may be subscribed and published
 * to. In a pattern, {@code *} matches any characters and {@code {name}} the value of the
 * principal's claim {@code name} ({@code {sub}} and {@code {name}} fall back to
 * {@code Principal.getName()}): {@code user:{sub}} matches {@code user:alice} only for
 * the subject {@code alice}. A topic of the pattern's shape whose placeholder values are
 * not the connection's own, or a connection without a principal, is denied.
 *
 * <p>
 * A placeholder stands for exactly the caller's own value, and only where no longer value
 * could stand instead: with {@code user:{sub}:*}, {@code user:alice:bob:inbox} is the
 * topic of subject {@code alice:bob}, not a topic of {@code alice} under
 * {@code bob:inbox}. Matching never backtracks (see {@link TopicGlob}): its cost is
 * linear in the topic's length whatever the pattern.
 */
public final class TopicRule {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

	private final String pattern;

	/**
	 * The pattern cut at its placeholders: text (with stars), then a claim, and so on.
	 */
	private final List<String> texts;

	private final List<String> claims;

	/** Any topic of the pattern's shape: each placeholder one character or more. */
	private final TopicGlob shape;

	private final boolean subscribe;

	private final boolean publish;

	public TopicRule(String pattern, boolean subscribe, boolean publish) {
		this.pattern = pattern;
		this.subscribe = subscribe;
		this.publish = publish;
		List<String> texts = new ArrayList<>();
		List<String> claims = new ArrayList<>();
		Matcher placeholders = PLACEHOLDER.matcher(pattern);
		int last = 0;
		while (placeholders.find()) {
			texts.add(pattern.substring(last, placeholders.start()));
			claims.add(placeholders.group(1));
			last = placeholders.end();
		}
		texts.add(pattern.substring(last));
		this.texts = List.copyOf(texts);
		this.claims = List.copyOf(claims);
		this.shape = glob(null, -1, 0);
	}

	/**
	 * The glob of this pattern with each placeholder {@code i} replaced by
	 * {@code values[i]} (or by one character or more when {@code values} is null), and
	 * placeholder {@code longer} by its value with at least one character more before
	 * ({@code side} &lt; 0) or after ({@code side} &gt; 0) it.
	 */
	private TopicGlob glob(@Nullable List<String> values, int longer, int side) {
		TopicGlob.Builder glob = TopicGlob.builder();
		for (int i = 0; i < this.texts.size(); i++) {
			glob.pattern(this.texts.get(i));
			if (i == this.claims.size()) {
				break;
			}
			if (values == null) {
				glob.one().star();
				continue;
			}
			if (i == longer && side < 0) {
				glob.one().star();
			}
			glob.literal(values.get(i));
			if (i == longer && side > 0) {
				glob.one().star();
			}
		}
		return glob.build();
	}

	/** Whether {@code topic} has this rule's shape, whoever asks. */
	boolean matches(String topic) {
		return this.shape.matches(topic);
	}

	/**
	 * Whether the connection whose principal and claims are given may act on
	 * {@code topic}, which this rule {@linkplain #matches matches}.
	 */
	boolean allows(String topic, boolean publishing, @Nullable Principal principal,
			Function<Principal, Map<String, Object>> claimsOf) {
		if (publishing ? !this.publish : !this.subscribe) {
			return false;
		}
		if (this.claims.isEmpty()) {
			return true;
		}
		if (principal == null) {
			return false;
		}
		Map<String, Object> claims = claimsOf.apply(principal);
		List<String> values = new ArrayList<>(this.claims.size());
		for (String name : this.claims) {
			Object value = claims.get(name);
			if (value == null && (name.equals("sub") || name.equals("name"))) {
				value = principal.getName();
			}
			if (value == null || String.valueOf(value).isEmpty()) {
				return false;
			}
			values.add(String.valueOf(value));
		}
		if (!glob(values, -1, 0).matches(topic)) {
			return false;
		}
		// The caller's values fit; a longer value fitting too means the topic can be
		// someone else's.
		for (int i = 0; i < values.size(); i++) {
			if (glob(values, i, -1).matches(topic) || glob(values, i, 1).matches(topic)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return "TopicRule[" + this.pattern + " subscribe=" + this.subscribe + " publish=" + this.publish + "]";
	}

}
