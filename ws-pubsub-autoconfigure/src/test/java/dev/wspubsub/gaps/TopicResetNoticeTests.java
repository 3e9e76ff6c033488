package dev.wspubsub.gaps;

import java.time.Duration;

import dev.wspubsub.internal.cluster.TopicGapRepair;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.SseTestClient.Event;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When a topic's history restarts under its subscribers (Redis lost its keys), every
 * subscriber, on the publishing node and on the others, is told with a reset notice
 * before the first publication of the new epoch; never a silent jump. The notice is the
 * default one unless the subscriber's endpoint shapes its own with {@code @OnTopicReset};
 * an SSE stream gets {@code event: reset} with the position, as when a resume cannot
 * recover.
 */
class TopicResetNoticeTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aNewEpochUnderConnectedSubscribersReachesThemAsTheirEndpointsResetNoticeThenTheNextPublication() {
		try (TestRedis redis = TestRedis.start();
				GapNode nodeA = GapNode.start(redis);
				GapNode nodeB = GapNode.start(redis)) {
			await().atMost(WAIT).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			try (WsTestClient publisher = nodeA.subscribed("control");
					WsTestClient local = nodeA.subscribed("room:reset");
					WsTestClient remote = nodeB.subscribed("room:reset");
					WsTestClient ownNotice = nodeB.subscribedWithOwnResetNotice("room:reset");
					SseTestClient stream = nodeB.eventStream("room:reset")) {
				stream.awaitLine(":subscribed", WAIT);
				await().atMost(WAIT)
					.until(() -> redis.commands()
						.pubsubNumsub("ws-pubsub:t:room:reset")
						.get("ws-pubsub:t:room:reset") == 2);
				publisher.send("pub room:reset {\"n\":1}");
				publisher.send("pub room:reset {\"n\":2}");
				String epoch = json(local.awaitMessage()).get("epoch").asString();
				assertThat(json(local.awaitMessage()).get("offset").asLong()).isEqualTo(2);
				assertThat(json(remote.awaitMessage()).get("epoch").asString()).isEqualTo(epoch);
				assertThat(json(remote.awaitMessage()).get("offset").asLong()).isEqualTo(2);
				ownNotice.awaitMessage();
				assertThat(json(ownNotice.awaitMessage()).get("offset").asLong()).isEqualTo(2);
				assertThat(stream.awaitEvent(WAIT).id()).isEqualTo(epoch + ":1");
				assertThat(stream.awaitEvent(WAIT).id()).isEqualTo(epoch + ":2");

				redis.commands().flushall();
				publisher.send("pub room:reset {\"n\":3}");

				for (WsTestClient client : new WsTestClient[] { local, remote }) {
					JsonNode notice = json(client.awaitMessage());
					assertThat(notice.path("type").asString("")).as("%s", notice).isEqualTo("topic_reset");
					assertThat(notice.get("topic").asString()).isEqualTo("room:reset");
					assertThat(notice.get("epoch").asString()).isNotEqualTo(epoch);
					assertThat(notice.get("offset").asLong()).isZero();
					JsonNode next = json(client.awaitMessage());
					assertThat(next.get("n").asInt()).isEqualTo(3);
					assertThat(next.get("epoch").asString()).isEqualTo(notice.get("epoch").asString());
					assertThat(next.get("offset").asLong()).isEqualTo(1);
				}
				// The endpoint's own notice, with what its method took, then the same
				// order.
				String own = ownNotice.awaitMessage();
				assertThat(own).matches("reset room:reset [^: ]+:0 \\S+").doesNotContain(epoch);
				JsonNode next = json(ownNotice.awaitMessage());
				assertThat(next.get("n").asInt()).isEqualTo(3);
				assertThat(own).startsWith("reset room:reset " + next.get("epoch").asString() + ":0 ");
				assertThat(next.get("offset").asLong()).isEqualTo(1);
				Event reset = stream.awaitEvent(WAIT);
				assertThat(reset.event()).isEqualTo("reset");
				assertThat(reset.data()).isEqualTo(next.get("epoch").asString() + ":0").isEqualTo(reset.id());
				Event after = stream.awaitEvent(WAIT);
				assertThat(after.id()).isEqualTo(next.get("epoch").asString() + ":1");
				assertThat(json(after.data()).get("n").asInt()).isEqualTo(3);
				for (GapNode node : new GapNode[] { nodeA, nodeB }) {
					assertThat(node.bean(TopicGapRepair.class).resetCount(TopicGapRepair.ResetCause.EPOCH)).isOne();
					assertThat(node.bean(MeterRegistry.class)
						.get("wspubsub.history.resets")
						.tag("cause", "epoch")
						.functionCounter()
						.count()).isOne();
				}
			}
		}
	}

	private static JsonNode json(String text) {
		return JsonMapper.shared().readTree(text);
	}

}
