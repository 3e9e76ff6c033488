package dev.wspubsub.internal.security;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A placeholder stands for exactly the caller's own claim value, never for a prefix of
 * someone else's; and matching a rule costs time linear in the topic's length.
 */
class TopicRuleOwnershipTests {

	private static final Function<Principal, Map<String, Object>> NO_CLAIMS = (principal) -> Map.of();

	private static final Principal ALICE = () -> "alice";

	private static final Principal ALICE_BOB = () -> "alice:bob";

	@Test
	void aTopicThatBelongsToALongerSubjectIsNotThePrefixSubjects() {
		TopicRule rule = new TopicRule("user:{sub}:*", true, true);
		assertThat(rule.allows("user:alice:inbox", false, ALICE, NO_CLAIMS)).isTrue();
		assertThat(rule.allows("user:alice:bob:inbox", false, ALICE, NO_CLAIMS)).as("alice:bob's inbox").isFalse();
		assertThat(rule.allows("user:alice:bob:inbox", false, ALICE_BOB, NO_CLAIMS)).isTrue();
		assertThat(rule.allows("user:alice:inbox", false, ALICE_BOB, NO_CLAIMS)).isFalse();
	}

	@Test
	void aPlaceholderAfterAStarIsTheLongestOwnerToo() {
		TopicRule rule = new TopicRule("*:{sub}", true, true);
		assertThat(rule.allows("dm:alice", false, ALICE, NO_CLAIMS)).isTrue();
		assertThat(rule.allows("dm:bob:alice", false, ALICE, NO_CLAIMS)).as("bob:alice's").isFalse();
		assertThat(rule.allows("dm:bob:alice", false, () -> "bob:alice", NO_CLAIMS)).isTrue();
	}

	@Test
	void aClaimValueIsLiteralTextNeverAPattern() {
		TopicRule rule = new TopicRule("user:{sub}", true, true);
		assertThat(rule.allows("user:anyone", false, () -> "*", NO_CLAIMS)).isFalse();
		assertThat(rule.allows("user:*", false, () -> "*", NO_CLAIMS)).isTrue();
		assertThat(rule.allows("user:", false, () -> "", NO_CLAIMS)).as("an empty claim owns nothing").isFalse();
	}

	@Test
	void starsMatchAnyTextIncludingNoneAndPatternTextIsLiteral() {
		TopicRule rule = new TopicRule("a.*.b*", false, false);
		assertThat(rule.matches("a..b")).isTrue();
		assertThat(rule.matches("a.x.y.bz")).isTrue();
		assertThat(rule.matches("aX.b")).isFalse();
		assertThat(new TopicRule("*", true, true).matches("")).isTrue();
		assertThat(new TopicRule("exact", true, true).matches("exact")).isTrue();
		assertThat(new TopicRule("exact", true, true).matches("exactly")).isFalse();
		assertThat(new TopicRule("x*x", true, true).matches("x")).as("head and tail cannot share").isFalse();
	}

	@Test
	void rulesWithManyStarsMatchLongTopicsInLinearTime() {
		// As regular expressions these backtrack: .*x.*y.*z.* took seconds on a topic of
		// a few thousand characters that almost fits.
		String almost = "x".repeat(10_000);
		TopicRule stars = new TopicRule("*x*y*z*", true, true);
		TopicRule owned = new TopicRule("*:{sub}:*:*:*", true, true);
		String colons = "dm:" + ":".repeat(10_000);
		assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
			for (int i = 0; i < 100; i++) {
				assertThat(stars.matches(almost)).isFalse();
				assertThat(stars.matches(almost + "yz")).isTrue();
				assertThat(owned.allows(colons, false, ALICE, NO_CLAIMS)).isFalse();
			}
		});
	}

}
