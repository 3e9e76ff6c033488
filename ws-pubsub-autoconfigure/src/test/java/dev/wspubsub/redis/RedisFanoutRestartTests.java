package dev.wspubsub.redis;

import java.time.Duration;

import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose application context is stopped and started again ({@code context.stop()},
 * {@code context.start()}) fans out again, on every Redis deployment: Spring Data's
 * connection factory made a new client at its start, and the fan-out connects through it.
 */
class RedisFanoutRestartTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@ParameterizedTest
	@EnumSource(RedisDeployment.class)
	void aNodeStoppedAndStartedAgainFansOutAgainBothWays(RedisDeployment deployment) throws Exception {
		try (RedisDeployment.Running redis = deployment.start();
				Node restarted = redis.node();
				Node other = redis.node()) {
			await().atMost(TIMEOUT).until(() -> restarted.fanout().isUp() && other.fanout().isUp());
			restarted.context().stop();
			assertThat(restarted.fanout().isUp()).isFalse();
			restarted.context().start();
			await("the fan-out up again after the context's start").atMost(TIMEOUT)
				.until(() -> restarted.fanout().isUp());
			try (WsTestClient onRestarted = RedisFanoutClusterTests.subscribed(restarted, "again");
					WsTestClient onOther = RedisFanoutClusterTests.subscribed(other, "again")) {
				await("both nodes subscribed").atMost(TIMEOUT).until(() -> redis.subscribers("again") == 2);
				onOther.send("pub again from the other node");
				assertThat(onRestarted.awaitMessage(TIMEOUT)).isEqualTo("from the other node");
				onRestarted.send("pub again from the restarted node");
				assertThat(onOther.awaitMessage(TIMEOUT)).isEqualTo("from the restarted node");
			}
		}
	}

}
