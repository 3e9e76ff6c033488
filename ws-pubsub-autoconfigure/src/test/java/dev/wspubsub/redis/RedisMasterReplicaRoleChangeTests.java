package dev.wspubsub.redis;

import java.time.Duration;

import ch.qos.logback.classic.Level;
import dev.wspubsub.test.TestRedisMasterReplica;
import dev.wspubsub.testapp.ExpectedLog;
import io.lettuce.core.KillArgs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a static master/replica pair the subscription is made on the master, and made again
 * on whichever node is master when its connection drops: not on the old master, which
 * receives the new master's publications only through replication.
 */
class RedisMasterReplicaRoleChangeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void aDroppedSubscriptionIsMadeAgainOnTheNodeThatIsMasterNow() {
		try (TestRedisMasterReplica pair = TestRedisMasterReplica.start();
				Node node = Node.start(pair, "ws-pubsub.fanout.redis.node-id=roles")) {
			String probe = "ws-pubsub:$probe:{roles}";
			await().atMost(TIMEOUT).until(() -> node.fanout().isUp());
			assertThat(subscribers(pair, pair.masterPort(), probe)).isEqualTo(1);
			assertThat(subscribers(pair, pair.replicaPort(), probe)).isZero();
			// Lettuce's static master/replica connection keeps sending to the old master,
			// which refuses writes now: the link goes down, as documented.
			try (ExpectedLog down = ExpectedLog.capture(Level.WARN, "is down")) {
				pair.node(pair.replicaPort()).replicaofNoOne();
				pair.node(pair.masterPort()).replicaof("127.0.0.1", pair.replicaPort());
				pair.node(pair.masterPort()).clientKill(KillArgs.Builder.typePubsub());
				await("the subscription on the new master").atMost(TIMEOUT)
					.until(() -> subscribers(pair, pair.replicaPort(), probe) == 1);
				assertThat(subscribers(pair, pair.masterPort(), probe)).as("on the old master").isZero();
			}
		}
	}

	private static long subscribers(TestRedisMasterReplica pair, int port, String channel) {
		return pair.node(port).pubsubNumsub(channel).getOrDefault(channel, 0L);
	}

}
