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
 * to. In a pattern, {@code *} matches any characters and {@code {name}} matches the value
 * of the principal's claim {@code name} ({@code {sub}} and {@code {name}} fall back to
 * {@code Principal.getName()}): {@code user:{sub}} matches {@code user:alice} only for
 * the subject {@code alice}. A topic of the pattern's shape whose placeholder values are
 * not the connection's own, or a connection without a principal, is denied.
 */
public final class TopicRule {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

	private final String pattern;

	private final Pattern regex;

	private final List<String> claims;

	private final boolean subscribe;

	private final boolean publish;

	public TopicRule(String pattern, boolean subscribe, boolean publish) {
		this.pattern = pattern;
		this.subscribe = subscribe;
		this.publish = publish;
		List<String> claims = new ArrayList<>();
		StringBuilder regex = new StringBuilder();
		Matcher placeholders = PLACEHOLDER.matcher(pattern);
		int last = 0;
		while (placeholders.find()) {
			regex.append(literal(pattern.substring(last, placeholders.start())));
			regex.append("(.+?)");
			claims.add(placeholders.group(1));
			last = placeholders.end();
		}
		regex.append(literal(pattern.substring(last)));
		this.regex = Pattern.compile(regex.toString(), Pattern.DOTALL);
		this.claims = List.copyOf(claims);
	}

	private static String literal(String text) {
		StringBuilder out = new StringBuilder();
		int start = 0;
		for (int star = text.indexOf('*'); star >= 0; star = text.indexOf('*', start)) {
			out.append(Pattern.quote(text.substring(start, star))).append(".*");
			start = star + 1;
		}
		if (start < text.length()) {
			out.append(Pattern.quote(text.substring(start)));
		}
		return out.toString();
	}

	/** Whether {@code topic} has this rule's shape, whoever asks. */
	boolean matches(String topic) {
		return this.regex.matcher(topic).matches();
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
		Matcher matcher = this.regex.matcher(topic);
		if (!matcher.matches()) {
			return false;
		}
		Map<String, Object> claims = claimsOf.apply(principal);
		for (int i = 0; i < this.claims.size(); i++) {
			String name = this.claims.get(i);
			Object expected = claims.get(name);
			if (expected == null && (name.equals("sub") || name.equals("name"))) {
				expected = principal.getName();
			}
			if (expected == null || !matcher.group(i + 1).equals(String.valueOf(expected))) {
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
