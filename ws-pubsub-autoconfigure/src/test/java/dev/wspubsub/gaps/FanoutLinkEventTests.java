package dev.wspubsub.gaps;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.wspubsub.FanoutLinkEvent;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.testapp.ExpectedLog;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The application hears when the link to the other nodes goes down and comes back. */
class FanoutLinkEventTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aRedisOutageIsOneDownEventThenOneUpEventCarryingItsStartAndEnd() {
		try (TestRedis redis = TestRedis.start();
				GapNode node = GapNode.start(redis);
				ExpectedLog outage = ExpectedLog.redisOutage()) {
			await().atMost(WAIT).until(() -> node.fanout().isUp());
			List<FanoutLinkEvent> events = node.bean(GapApplication.LinkEventLog.class).events;
			assertThat(events).as("coming up at start is no outage").isEmpty();

			Instant stopped = Instant.now();
			redis.stopServer();
			await("down").atMost(WAIT).until(() -> events.size() == 1);
			FanoutLinkEvent down = events.get(0);
			assertThat(down.isUp()).isFalse();
			assertThat(down.upAt()).isEmpty();
			assertThat(down.outage()).isEmpty();
			assertThat(down.downAt()).isAfterOrEqualTo(stopped);
			assertThat(down.nodeId()).isEqualTo(node.fanout().nodeId());

			Instant restarted = Instant.now();
			redis.startServer();
			await("up").atMost(WAIT).until(() -> events.size() == 2);
			FanoutLinkEvent up = events.get(1);
			assertThat(up.isUp()).isTrue();
			assertThat(up.downAt()).isEqualTo(down.downAt());
			assertThat(up.upAt()).get().matches((at) -> !at.isBefore(restarted));
			assertThat(up.outage()).contains(Duration.between(down.downAt(), up.upAt().orElseThrow()));
			assertThat(node.fanout().reconnectCount()).isEqualTo(1);
			assertThat(node.bean(MeterRegistry.class).get("wspubsub.redis.reconnects").functionCounter().count())
				.isOne();
			assertThat(outage.lines("is down")).singleElement(as(InstanceOfAssertFactories.STRING))
				.startsWith("Redis fan-out of node " + node.fanout().nodeId() + " is down");
		}
	}

	@Test
	void shuttingDownIsNoOutage() {
		try (TestRedis redis = TestRedis.start()) {
			GapNode node = GapNode.start(redis);
			await().atMost(WAIT).until(() -> node.fanout().isUp());
			List<FanoutLinkEvent> events = node.bean(GapApplication.LinkEventLog.class).events;
			node.close();
			assertThat(events).isEmpty();
		}
	}

}
