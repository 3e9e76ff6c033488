package dev.wspubsub.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.internal.history.Epochs;
import dev.wspubsub.test.TestRedis;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publish script on a real Redis: how epochs begin when nodes come back from an
 * outage with publications queued, each batch marked with its node's reset token.
 */
class HistoryScriptsTests {

	private static final AtomicLong publishIds = new AtomicLong();

	private static TestRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = TestRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void eachNodesOutageBeginsOneEpochHoweverTheirPublicationsInterleave() {
		String topic = "interleaved";
		List<String> epochs = new ArrayList<>();
		for (String token : List.of("", "node-a/1", "node-b/1", "node-a/1", "node-b/1", "node-a/1", "node-b/1")) {
			epochs.add(publish(topic, token));
		}
		// Before the outage, then node A's first, then node B's first; the rest follow.
		assertThat(epochs.stream().distinct()).hasSize(3);
		assertThat(epochs.subList(2, epochs.size())).containsOnly(epochs.get(2));
		assertThat(publish(topic, "node-a/2")).as("node A's next outage").isNotEqualTo(epochs.get(2));
	}

	@Test
	void anEpochBegunLaterComparesAsLater() {
		String first = publish("later", "node-a/1");
		String second = publish("later", "node-b/1");
		assertThat(first).isNotEqualTo(second);
		assertThat(Epochs.isLater(second, first)).isTrue();
		assertThat(Epochs.isLater(first, second)).isFalse();
	}

	// Publishes {"n":1} with its position stamped; answers the epoch it got.
	private static String publish(String topic, String resetToken) {
		String[] keys = { "h:" + topic, "m:" + topic };
		String[] args = { "c:" + topic, "", "{\"n\":1", "}", "1", "100", "60000", Epochs.next(), resetToken, "1",
				"PUBLISH", "0", "dnode", "1 " + publishIds.incrementAndGet(), "0" };
		List<Object> answer = redis.commands()
			.eval(new String(HistoryScripts.PUBLISH.text().duplicate().array(), StandardCharsets.UTF_8),
					ScriptOutputType.MULTI, keys, args);
		return String.valueOf(answer.get(0));
	}

}
