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
import io.micrometer.core.instrument.MeterRegistry;
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

	/** Publications per run; more in the full form (reliability/run-gap-repair.sh). */
	private static final int MESSAGES = Integer.getInteger("reliability.gap.messages", 300);

	/** A cut every so many publications. */
	private static final int CUT_EVERY = Integer.getInteger("reliability.gap.cut-every", 60);

	@Test
	void subscribersThatStayedConnectedMissNothingSilentlyWhenRedisCutsThePubSubConnections() {
		try (TestRedis redis = TestRedis.start();
				GapNode nodeA = GapNode.start(redis);
				GapNode nodeB = GapNode.start(redis)) {
			await().atMost(WAIT).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			try (WsTestClient publisher = nodeA.subscribed("control");
					WsTestClient local = nodeA.subscribed("room:flap");
					WsTestClient remote = nodeB.subscribed("room:flap")) {
				awaitBothNodesSubscribed(redis);
				long kills = 0;
				for (int i = 0; i < MESSAGES; i++) {
					publisher.send("pub room:flap {\"n\":" + i + "}");
					if (i % CUT_EVERY == CUT_EVERY / 2) {
						kills += redis.commands().clientKill(KillArgs.Builder.typePubsub());
					}
					// A publisher chatting every few milliseconds, as in the issue.
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4));
				}
				assertThat(kills).as("pub/sub connections cut").isGreaterThanOrEqualTo(2L * (MESSAGES / CUT_EVERY));
				assertWhole(local, "node A's subscriber");
				assertWhole(remote, "node B's subscriber");
				report("CLIENT KILL TYPE pubsub x " + kills, nodeA, nodeB);
				MeterRegistry meters = nodeB.bean(MeterRegistry.class);
				assertThat(meters.get("wspubsub.history.gaps.repaired").functionCounter().count())
					.isEqualTo((double) nodeB.bean(TopicGapRepair.class).repairedCount())
					.isPositive();
				assertThat(meters.get("wspubsub.fanout.lag").timer().count()).as("publications timed on arrival")
					.isPositive();
				assertThat(meters.get("wspubsub.redis.buffered").gauge().value()).isZero();
				// One name per count: the link's meters are wspubsub.redis.*
				assertThat(meters.find("wspubsub.fanout.queue").meter()).isNull();
				assertThat(meters.find("wspubsub.fanout.dropped").meter()).isNull();
				assertThat(meters.find("wspubsub.fanout.reconnects").meter()).isNull();
			}
		}
	}

	@Test
	void subscribersThatStayedConnectedMissNothingSilentlyWhenRedisDropsNodesForOverflowingTheirOutputBuffer() {
		try (TestRedis redis = TestRedis.start();
				GapNode nodeA = GapNode.start(redis);
				GapNode nodeB = GapNode.start(redis)) {
			await().atMost(WAIT).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			try (WsTestClient publisher = nodeA.subscribed("control");
					WsTestClient local = nodeA.subscribed("room:flap");
					WsTestClient remote = nodeB.subscribed("room:flap")) {
				awaitBothNodesSubscribed(redis);
				// A message larger than Redis' 16 KB reply buffer goes to the output
				// list,
				// past this limit at once: Redis drops every subscriber it is sent to.
				redis.commands().configSet("client-output-buffer-limit", "pubsub 1kb 1kb 0");
				String padding = "x".repeat(20_000);
				for (int i = 0; i < MESSAGES; i++) {
					String pad = (i % CUT_EVERY == CUT_EVERY / 2) ? ",\"pad\":\"" + padding + "\"" : "";
					publisher.send("pub room:flap {\"n\":" + i + pad + "}");
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4));
				}
				assertWhole(local, "node A's subscriber");
				assertWhole(remote, "node B's subscriber");
				String dropped = redis.commands()
					.info("stats")
					.lines()
					.filter((line) -> line.startsWith("client_output_buffer_limit_disconnections:"))
					.findFirst()
					.orElse("client_output_buffer_limit_disconnections: not reported by this Redis");
				report("output buffer limit, " + dropped.strip(), nodeA, nodeB);
				assertThat(nodeB.bean(TopicGapRepair.class).repairedCount()).as("gaps node B repaired").isPositive();
			}
		}
	}

	private static void awaitBothNodesSubscribed(TestRedis redis) {
		await().atMost(WAIT)
			.until(() -> redis.commands().pubsubNumsub("ws-pubsub:t:room:flap").get("ws-pubsub:t:room:flap") == 2);
	}

	private static void report(String scenario, GapNode nodeA, GapNode nodeB) {
		TopicGapRepair repairA = nodeA.bean(TopicGapRepair.class);
		TopicGapRepair repairB = nodeB.bean(TopicGapRepair.class);
		System.out.println("[gap-repair] " + scenario + ", " + MESSAGES + " publications: node B "
				+ repairB.repairedCount() + " gap(s) repaired, resets " + resets(repairB) + "; node A "
				+ repairA.repairedCount() + " repaired, resets " + resets(repairA));
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
