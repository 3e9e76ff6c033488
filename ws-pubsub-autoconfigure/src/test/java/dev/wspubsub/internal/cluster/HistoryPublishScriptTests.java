package dev.wspubsub.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.wspubsub.test.TestRedis;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The append script's reset tokens: each outage of each node begins a new epoch once,
 * with the first of its publications to reach Redis, however the queued publications of
 * several nodes interleave when Redis is back.
 */
class HistoryPublishScriptTests {

	@Test
	void eachResetTokenBeginsOneEpochEvenWhenTwoNodesFlushTheirOutagesInterleaved() {
		try (TestRedis redis = TestRedis.start()) {
			assertThat(append(redis, "a/1", "e1")).containsExactly("e1", "1");
			assertThat(append(redis, "b/1", "e2")).containsExactly("e2", "1");
			// Node a's outage began its epoch already: its next queued publication
			// follows.
			assertThat(append(redis, "a/1", "e3")).containsExactly("e2", "2");
			assertThat(append(redis, "", "e4")).containsExactly("e2", "3");
			assertThat(append(redis, "b/1", "e5")).containsExactly("e2", "4");
			// A later outage of node a begins another.
			assertThat(append(redis, "a/2", "e6")).containsExactly("e6", "1");
		}
	}

	private static List<Object> append(TestRedis redis, String resetToken, String freshEpoch) {
		String script = StandardCharsets.UTF_8.decode(HistoryScripts.PUBLISH.text().duplicate()).toString();
		return redis.commands()
			.eval(script, ScriptOutputType.MULTI, new String[] { "h:room", "m:room" }, "c:room", "", "hello", "", "0",
					"100", "60000", freshEpoch, resetToken, "1", "PUBLISH", "0");
	}

}
