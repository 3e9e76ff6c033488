package dev.wspubsub.gaps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.wspubsub.internal.cluster.TopicGapRepair;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import io.lettuce.core.KillArgs;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis cuts the nodes' pub/sub connections while node A publishes to a topic with
 * history every few milliseconds: the subscribers that stayed connected, on A and on B,
 * end with every publication in order exactly once, or with a reset notice wherever that
 * was impossible; never with a silent gap.
 */
class GapRepairTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int MESSAGES = 300;

	@Test
	void subscribersThatStayedConnectedMissNothingSilentlyWhenRedisCutsThePubSubConnections() {
		try (TestRedis redis = TestRedis.start();
				GapNode nodeA = GapNode.start(redis);
				GapNode nodeB = GapNode.start(redis)) {
			await().atMost(WAIT).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			try (WsTestClient publisher = nodeA.subscribed("control");
					WsTestClient local = nodeA.subscribed("room:flap");
					WsTestClient remote = nodeB.subscribed("room:flap")) {
				await().atMost(WAIT)
					.until(() -> redis.commands().pubsubNumsub("ws-pubsub:room:flap").get("ws-pubsub:room:flap") == 2);
				long kills = 0;
				for (int i = 0; i < MESSAGES; i++) {
					publisher.send("pub room:flap {\"n\":" + i + "}");
					if (i % 60 == 30) {
						kills += redis.commands().clientKill(KillArgs.Builder.typePubsub());
					}
					// A publisher chatting every few milliseconds, as in the issue.
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4));
				}
				assertThat(kills).as("pub/sub connections cut").isGreaterThanOrEqualTo(10);
				assertWhole(local, "node A's subscriber");
				assertWhole(remote, "node B's subscriber");
				TopicGapRepair repairB = nodeB.bean(TopicGapRepair.class);
				System.out.println("Node B: " + repairB.repairedCount() + " gap(s) repaired, resets " + resets(repairB)
						+ "; node A: " + nodeA.bean(TopicGapRepair.class).repairedCount() + " repaired, resets "
						+ resets(nodeA.bean(TopicGapRepair.class)));
			}
		}
	}

	private static String resets(TopicGapRepair repair) {
		List<String> counts = new ArrayList<>();
		for (TopicGapRepair.ResetCause cause : TopicGapRepair.ResetCause.values()) {
			counts.add(cause.name().toLowerCase() + "=" + repair.resetCount(cause));
		}
		return String.join(" ", counts);
	}

	/**
	 * Reads until the last publication and checks that {@code client} got every one in
	 * order once, except right before a reset notice, after which the offsets go on from
	 * the notice's.
	 */
	private static void assertWhole(WsTestClient client, String who) {
		List<JsonNode> messages = new ArrayList<>();
		await(who + " gets the last publication").atMost(WAIT).until(() -> {
			client.drain().forEach((text) -> messages.add(JsonMapper.shared().readTree(text)));
			return !messages.isEmpty() && messages.get(messages.size() - 1).path("n").asInt(-1) == MESSAGES - 1;
		});
		int expected = 0;
		long lastOffset = -1;
		String epoch = null;
		boolean reset = false;
		for (JsonNode message : messages) {
			if (message.path("type").asString("").equals("topic_reset")) {
				assertThat(message.get("topic").asString()).isEqualTo("room:flap");
				epoch = message.get("epoch").asString();
				lastOffset = message.get("offset").asLong();
				reset = true;
				continue;
			}
			int n = message.get("n").asInt();
			long offset = message.get("offset").asLong();
			if (lastOffset >= 0 && epoch != null && epoch.equals(message.get("epoch").asString())) {
				assertThat(offset).as("%s: offset after %s in %s", who, lastOffset, messages).isEqualTo(lastOffset + 1);
			}
			if (reset) {
				assertThat(n).as("%s: after a reset, %s in %s", who, message, messages)
					.isGreaterThanOrEqualTo(expected);
				reset = false;
			}
			else {
				assertThat(n).as("%s: %s in %s", who, message, messages).isEqualTo(expected);
			}
			expected = n + 1;
			epoch = message.get("epoch").asString();
			lastOffset = offset;
		}
		assertThat(expected).isEqualTo(MESSAGES);
	}

}
