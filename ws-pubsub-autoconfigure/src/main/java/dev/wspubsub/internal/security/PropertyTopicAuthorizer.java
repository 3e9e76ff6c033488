package dev.wspubsub.internal.security;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.wspubsub.spi.TopicAuthorizer;

/**
 * The topic rules of {@code ws-pubsub.security.topic-rules}: the first rule whose pattern
 * matches a topic decides; a topic no rule matches is allowed (add a last rule {@code *}
 * with {@code subscribe} and {@code publish} false to deny by default).
 */
public final class PropertyTopicAuthorizer implements TopicAuthorizer {

	private final List<TopicRule> rules;

	private final Function<Principal, Map<String, Object>> claimsOf;

	/**
	 * @param rules the rules, first match wins
	 * @param claimsOf the claims of a principal, for {@code {claim}} placeholders
	 */
	public PropertyTopicAuthorizer(List<TopicRule> rules, Function<Principal, Map<String, Object>> claimsOf) {
		this.rules = List.copyOf(rules);
		this.claimsOf = claimsOf;
	}

	@Override
	public boolean canSubscribe(String topic, Client client) {
		return decide(client, topic, false);
	}

	@Override
	public boolean canPublish(String topic, Client client) {
		return decide(client, topic, true);
	}

	private boolean decide(Client client, String topic, boolean publishing) {
		for (TopicRule rule : this.rules) {
			if (rule.matches(topic)) {
				return rule.allows(topic, publishing, client.principal(), this.claimsOf);
			}
		}
		return true;
	}

}
