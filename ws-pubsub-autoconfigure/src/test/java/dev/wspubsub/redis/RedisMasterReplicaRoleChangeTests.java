package dev.wspubsub.redis;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import dev.wspubsub.test.TestRedisMasterReplica;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import io.lettuce.core.KillArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a static master/replica pair the subscription is made on the master, and made again
 * on whichever node is master when its connection drops: not on the old master, which
 * receives the new master's publications only through replication. Publishes follow the
 * new master too: the old one refuses them (READONLY), and the node opens its connections
 * again, which asks every node its role.
 */
class RedisMasterReplicaRoleChangeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void aChangedMasterGetsTheSubscriptionsAndThePublishes() {
		try (TestRedisMasterReplica pair = TestRedisMasterReplica.start();
				Node node = Node.start(pair, "ws-pubsub.fanout.redis.node-id=roles");
				Node other = Node.start(pair, "ws-pubsub.fanout.redis.node-id=other")) {
			String probe = "ws-pubsub:$probe:{roles}";
			await().atMost(TIMEOUT).until(() -> node.fanout().isUp() && other.fanout().isUp());
			assertThat(subscribers(pair, pair.masterPort(), probe)).isEqualTo(1);
			assertThat(subscribers(pair, pair.replicaPort(), probe)).isZero();
			// The subscriptions are lost with their connections: the link is down until
			// they are made again, on the new master.
			try (ExpectedLog down = ExpectedLog.capture(Level.WARN, "is down")) {
				pair.node(pair.replicaPort()).replicaofNoOne();
				pair.node(pair.masterPort()).replicaof("127.0.0.1", pair.replicaPort());
				pair.node(pair.masterPort()).clientKill(KillArgs.Builder.typePubsub());
				await("the subscription on the new master").atMost(TIMEOUT)
					.until(() -> subscribers(pair, pair.replicaPort(), probe) == 1);
				assertThat(subscribers(pair, pair.masterPort(), probe)).as("on the old master").isZero();
				await("the link up again").atMost(TIMEOUT).until(() -> node.fanout().isUp() && other.fanout().isUp());
				try (WsTestClient subscriber = other.connect(); WsTestClient publisher = node.connect()) {
					assertThat(subscriber.sendAndAwait("sub moved")).isEqualTo("subscribed moved");
					await("the other node subscribed on the new master").atMost(TIMEOUT)
						.until(() -> subscribers(pair, pair.replicaPort(), "ws-pubsub:t:moved") == 1);
					publisher.send("pub moved after the change");
					assertThat(subscriber.awaitMessage(TIMEOUT)).isEqualTo("after the change");
				}
			}
		}
	}

	@Test
	void aHistoryPublishRefusedByTheOldMasterGoesToTheNewOne() {
		String history = "ws-pubsub.history.topics[0].pattern=kept";
		try (TestRedisMasterReplica pair = TestRedisMasterReplica.start();
				Node node = Node.start(pair, "ws-pubsub.fanout.redis.node-id=roles", history);
				WsTestClient client = node.connect()) {
			await().atMost(TIMEOUT).until(() -> node.fanout().isUp());
			assertThat(client.sendAndAwait("sub kept")).isEqualTo("subscribed kept");
			client.send("spub kept before");
			assertThat(client.awaitMessage(TIMEOUT)).isEqualTo("before");
			// No connection drops: the subscription stays on the old master, which gets
			// the new master's publications by replication, and the history script sent
			// to the old master is refused (READONLY): the link is down, the publication
			// delivered here and kept to send again, until the node connects anew.
			try (ExpectedLog down = ExpectedLog.capture(Level.WARN, "is down")) {
				pair.node(pair.replicaPort()).replicaofNoOne();
				pair.node(pair.masterPort()).replicaof("127.0.0.1", pair.replicaPort());
				await("the old master a replica of the new one, in sync").atMost(TIMEOUT)
					.until(() -> inSync(pair, pair.masterPort()));
				client.send("spub kept after");
				assertThat(client.awaitMessage(TIMEOUT)).isEqualTo("after");
				// Kept on the new master (in a new epoch: the new master's replication
				// history is not the old one's).
				await("the publication kept on the new master").atMost(TIMEOUT)
					.until(() -> newestEntry(pair, pair.replicaPort(), "ws-pubsub:history:kept"), "after"::equals);
				await("the link up again").atMost(TIMEOUT).until(() -> node.fanout().isUp());
			}
		}
	}

	private static String newestEntry(TestRedisMasterReplica pair, int port, String stream) {
		List<StreamMessage<String, String>> newest = pair.node(port)
			.xrevrange(stream, Range.create("-", "+"), Limit.from(1));
		return newest.isEmpty() ? "" : newest.get(0).getBody().get("p");
	}

	private static boolean inSync(TestRedisMasterReplica pair, int replica) {
		return pair.node(replica).info("replication").contains("master_link_status:up");
	}

	private static long subscribers(TestRedisMasterReplica pair, int port, String channel) {
		return pair.node(port).pubsubNumsub(channel).getOrDefault(channel, 0L);
	}

}
