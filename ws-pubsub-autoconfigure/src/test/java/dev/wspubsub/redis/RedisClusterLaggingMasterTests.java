package dev.wspubsub.redis;

import java.time.Duration;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import dev.wspubsub.WsServer;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master of a real Redis Cluster running far behind another. A node's publications
 * travel through the masters of their topics, whose streams reach another node each at
 * its own pace: those of the master behind must be delivered when they come, not taken
 * for resends because the master ahead carried thousands of later publications of the
 * same sender meanwhile. Both for topics without history (publications of one topic
 * batched into one SPUBLISH) and with (each one script appending and publishing).
 */
class RedisClusterLaggingMasterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Within the pause's own bound, so that it is the test that ends it. */
	private static final Duration AHEAD_TIMEOUT = Duration.ofSeconds(20);

	private static final Duration PAUSE_BOUND = Duration.ofSeconds(30);

	/**
	 * Well over the publish ids a receiver remembers per sender and master (4,096): one
	 * window per sender would take everything behind as old.
	 */
	private static final int AHEAD = 6_000;

	private static final int BEHIND = 5;

	/** Topics with history: their positions are numbered on the master too. */
	private static final String HISTORY = "ws-pubsub.history.topics[0].pattern=h:*";

	private static TestRedisCluster cluster;

	/** The master whose writes are held. */
	private static int lagging;

	private static Node sender;

	private static Node receiver;

	@BeforeAll
	static void start() {
		cluster = TestRedisCluster.start();
		lagging = cluster.masterPorts().get(0);
		// The probes elsewhere: a node whose probe waited behind the pause would be
		// declared down, which is an outage, not the lag tested here.
		sender = Node.start(cluster, "ws-pubsub.fanout.redis.node-id=" + named("sender-", notLagging(), true), HISTORY);
		receiver = Node.start(cluster, "ws-pubsub.fanout.redis.node-id=" + named("receiver-", notLagging(), true),
				HISTORY);
		await().atMost(Duration.ofSeconds(20)).until(() -> sender.fanout().isUp() && receiver.fanout().isUp());
	}

	@AfterAll
	static void stop() {
		sender.close();
		receiver.close();
		cluster.close();
	}

	@ParameterizedTest(name = "topics named {0}*, {1} kept in history")
	@CsvSource({ "plain:, 0", "h:, 6" })
	void publicationsThroughAMasterFarBehindAnotherAreDeliveredOnceAndInOrder(String prefix, long kept) {
		String behindTopic = named(prefix + "behind-", (master) -> master == lagging, false);
		String aheadTopic = named(prefix + "ahead-", notLagging(), false);
		try (WsTestClient behind = RedisFanoutClusterTests.subscribed(receiver, behindTopic);
				WsTestClient ahead = RedisFanoutClusterTests.subscribed(receiver, aheadTopic)) {
			awaitShardSubscriber(behindTopic);
			awaitShardSubscriber(aheadTopic);
			WsServer server = sender.bean(WsServer.class);
			// The sender opens its connection to a master at its first publication there:
			// both open before the pause.
			server.publish(behindTopic, "first");
			server.publish(aheadTopic, "first");
			assertThat(behind.awaitMessage(TIMEOUT)).isEqualTo("first");
			assertThat(ahead.awaitMessage(TIMEOUT)).isEqualTo("first");
			long outages = sender.fanout().outageCount() + receiver.fanout().outageCount();
			long duplicates = receiver.fanout().duplicateCount();

			cluster.pauseWrites(lagging, PAUSE_BOUND);
			try {
				// Numbered before those that follow, held by their master.
				for (int i = 0; i < BEHIND; i++) {
					server.publish(behindTopic, "behind-" + i);
				}
				for (int i = 0; i < AHEAD; i++) {
					server.publish(aheadTopic, "ahead-" + i);
				}
				assertThat(ahead.awaitMessages(AHEAD, AHEAD_TIMEOUT)).isEqualTo(numbered("ahead-", AHEAD));
				assertThat(behind.drain()).as("publications held by the paused master").isEmpty();
			}
			finally {
				cluster.resumeWrites(lagging);
			}

			assertThat(behind.awaitMessages(BEHIND, TIMEOUT)).isEqualTo(numbered("behind-", BEHIND));
			behind.assertNoMessage(Duration.ofMillis(300));
			assertThat(ahead.drain()).isEmpty();
			assertThat(receiver.fanout().duplicateCount() - duplicates).as("publications taken for resends").isZero();
			assertThat(cluster.node(lagging).xlen("ws-pubsub:history:{" + behindTopic + "}"))
				.as("publications in the history of " + behindTopic)
				.isEqualTo(kept);
			assertThat(sender.fanout().outageCount() + receiver.fanout().outageCount())
				.as("outages: the link stayed up through the lag")
				.isEqualTo(outages);
		}
	}

	private static List<String> numbered(String prefix, int count) {
		return IntStream.range(0, count).mapToObj((i) -> prefix + i).toList();
	}

	private static IntPredicate notLagging() {
		return (master) -> master != lagging;
	}

	/**
	 * The first of {@code prefix0}, {@code prefix1}... whose topic channel, or probe
	 * channel when {@code probe}, lives on a master {@code where} accepts.
	 */
	private static String named(String prefix, IntPredicate where, boolean probe) {
		for (int i = 0; i < 1000; i++) {
			String name = prefix + i;
			String channel = probe ? "ws-pubsub:$probe:{" + name + "}" : channel(name);
			if (where.test(cluster.masterPortOf(channel))) {
				return name;
			}
		}
		throw new IllegalStateException("No name " + prefix + "N of a channel on the master wanted");
	}

	private static String channel(String topic) {
		return "ws-pubsub:{" + topic + "}";
	}

	private static void awaitShardSubscriber(String topic) {
		String channel = channel(topic);
		await("the receiver subscribed to shard channel " + channel).atMost(TIMEOUT)
			.until(() -> cluster.node(cluster.masterPortOf(channel))
				.pubsubShardNumsub(channel)
				.getOrDefault(channel, 0L) == 1);
	}

}
