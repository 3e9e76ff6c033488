package dev.wspubsub.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.wspubsub.test.TestRedis;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history's publish script in a real Redis: a publication its sender resends (the
 * reply to the first send was lost after Redis ran it) is appended once, and what the
 * script keeps to tell resends apart stays small however many nodes come and go.
 */
class HistoryPublishScriptTests {

	static TestRedis redis;

	@BeforeAll
	static void start() {
		redis = TestRedis.start();
	}

	@AfterAll
	static void stop() {
		redis.close();
	}

	@Test
	void aResentPublicationIsAnsweredWithItsPositionAndNeitherAppendedNorPublishedAgain() {
		String topic = "resent";
		List<Object> first = publish(topic, "node-a", "7 1", "one");
		List<Object> again = resend(topic, "node-a", "7 1", "one");
		assertThat(again).hasSize(3);
		assertThat(again.subList(0, 2)).isEqualTo(first);
		List<Object> next = publish(topic, "node-a", "7 2", "two");
		assertThat(next).hasSize(2);
		assertThat(next.get(1)).isEqualTo("2");
		assertThat(redis.commands().xlen("h:" + topic)).isEqualTo(2);
	}

	@Test
	void theSameIdsFromAnotherStartOrAnotherNodeAreNewPublications() {
		String topic = "restarted";
		publish(topic, "node-a", "7 1", "one");
		assertThat(publish(topic, "node-a", "8 1", "after a restart")).hasSize(2);
		assertThat(publish(topic, "node-b", "9 1", "from another node")).hasSize(2);
		assertThat(redis.commands().xlen("h:" + topic)).isEqualTo(3);
	}

	@Test
	void theLastIdsOfManyNodesStayBounded() {
		String topic = "many-nodes";
		for (int node = 0; node < 200; node++) {
			publish(topic, "node-" + node, node + " 1", "hello");
		}
		assertThat(redis.commands().hlen("m:" + topic)).isLessThanOrEqualTo(4 + 65);
		assertThat(resend(topic, "node-199", "199 1", "hello")).as("the newest sender is still known").hasSize(3);
	}

	@Test
	void aFirstSendOvertakenByALaterOneOfItsSenderIsAppendedNotTakenForAResend() {
		// A send retried as EVAL after NOSCRIPT runs after the sends behind it that found
		// the script loaded.
		String topic = "overtaken";
		assertThat(publish(topic, "node-a", "7 3", "three")).hasSize(2);
		assertThat(publish(topic, "node-a", "7 2", "two")).hasSize(2);
		assertThat(redis.commands().xlen("h:" + topic)).isEqualTo(2);
		assertThat(resend(topic, "node-a", "7 2", "two")).as("a resend of it, once appended").hasSize(3);
	}

	private static List<Object> publish(String topic, String node, String ids, String payload) {
		return send(topic, node, ids, payload, "0");
	}

	private static List<Object> resend(String topic, String node, String ids, String payload) {
		return send(topic, node, ids, payload, "1");
	}

	private static List<Object> send(String topic, String node, String ids, String payload, String resend) {
		String[] keys = { "h:" + topic, "m:" + topic };
		String[] args = { "c:" + topic, "head", payload, "", "0", "100", "60000", "epoch-" + topic, "", "1", "PUBLISH",
				"0", "d" + node, ids, resend };
		return redis.commands()
			.eval(new String(HistoryScripts.PUBLISH.text().duplicate().array(), StandardCharsets.UTF_8),
					ScriptOutputType.MULTI, keys, args);
	}

}
