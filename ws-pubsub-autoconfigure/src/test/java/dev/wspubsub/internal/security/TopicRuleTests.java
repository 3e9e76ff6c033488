package dev.wspubsub.internal.security;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRuleTests {

	private static final Function<Principal, Map<String, Object>> CLAIMS = (principal) -> Map.of("team", "red");

	private static final Principal ALICE = () -> "alice";

	@Test
	void aSubjectPlaceholderMatchesOnlyTheSubjectsOwnTopic() {
		TopicRule rule = new TopicRule("user:{sub}", true, true);
		assertThat(rule.matches("user:bob")).isTrue();
		assertThat(rule.allows("user:alice", false, ALICE, CLAIMS)).isTrue();
		assertThat(rule.allows("user:bob", false, ALICE, CLAIMS)).isFalse();
		assertThat(rule.allows("user:alice", false, null, CLAIMS)).as("no principal").isFalse();
	}

	@Test
	void aPlaceholderDoesNotLetASuffixThrough() {
		TopicRule rule = new TopicRule("user:{sub}:inbox", true, true);
		assertThat(rule.allows("user:alice:inbox", true, ALICE, CLAIMS)).isTrue();
		assertThat(rule.allows("user:alice:x:inbox", true, ALICE, CLAIMS)).isFalse();
	}

	@Test
	void claimsBeyondTheSubjectComeFromTheClaimsFunction() {
		TopicRule rule = new TopicRule("team:{team}:*", true, false);
		assertThat(rule.allows("team:red:chat", false, ALICE, CLAIMS)).isTrue();
		assertThat(rule.allows("team:blue:chat", false, ALICE, CLAIMS)).isFalse();
		assertThat(rule.allows("team:red:chat", true, ALICE, CLAIMS)).as("publish off").isFalse();
	}

	@Test
	void regexCharactersInPatternsAreLiteral() {
		TopicRule rule = new TopicRule("a.b(c)", false, false);
		assertThat(rule.matches("a.b(c)")).isTrue();
		assertThat(rule.matches("aXb(c)")).isFalse();
	}

	@Test
	void theOriginCheckComparesHostAndPortWithTheRequestAndTheAllowList() {
		OriginCheck sameOnly = new OriginCheck(List.of());
		assertThat(sameOnly.isAllowed(null, "example.com", "https")).isTrue();
		assertThat(sameOnly.isAllowed("https://example.com", "example.com", "https")).isTrue();
		assertThat(sameOnly.isAllowed("https://example.com:443", "EXAMPLE.com", "https")).isTrue();
		assertThat(sameOnly.isAllowed("https://example.com.evil.io", "example.com", "https")).isFalse();
		assertThat(sameOnly.isAllowed("http://example.com:8080", "example.com", "http")).isFalse();
		OriginCheck patterns = new OriginCheck(java.util.List.of("https://*.example.com"));
		assertThat(patterns.isAllowed("https://app.example.com", "api.internal", "http")).isTrue();
		assertThat(patterns.isAllowed("https://example.org", "api.internal", "http")).isFalse();
		assertThat(new OriginCheck(java.util.List.of("*")).isAllowed("https://any.where", "h", "http")).isTrue();
	}

}
