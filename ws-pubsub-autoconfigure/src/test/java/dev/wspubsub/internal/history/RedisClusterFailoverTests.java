package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master of a real Redis Cluster killed, or the topic's slot moved to another master,
 * while a topic with history streams from node A to a subscriber on node B: delivery
 * resumes soon after, and what the subscriber did not get is never a silent gap.
 */
class RedisClusterFailoverTests {

	private static final Duration RESUMED_WITHIN = Duration.ofSeconds(10);

	private TestRedisCluster cluster;

	private HistoryNode a;

	private HistoryNode b;

	/** From the disruption until the nodes have stopped. */
	private ExpectedLog outage;

	@BeforeEach
	void start() {
		this.cluster = TestRedisCluster.start();
		this.a = HistoryNode.start(RedisClusterHistoryRecoveryTests.properties(this.cluster));
		this.b = HistoryNode.start(RedisClusterHistoryRecoveryTests.properties(this.cluster));
		RedisClusterHistoryRecoveryTests.awaitUp(this.a, this.b);
		this.outage = ExpectedLog.redisOutage();
	}

	@AfterEach
	void stop() {
		try {
			this.b.close();
			this.a.close();
			this.cluster.close();
		}
		finally {
			this.outage.close();
		}
	}

	@Test
	void aMasterKilledMidStreamDeliveryResumesWithinSecondsOfItsReplicaTakingOverAndNothingIsLostSilently() {
		AtomicInteger killed = new AtomicInteger();
		streamThrough((channel) -> {
			killed.set(this.cluster.masterPortOf(channel));
			this.cluster.killMasterOf(channel);
		});
		assertThat(this.outage.lines("connect to")).as("Lettuce's complaints are of the killed master only")
			.allMatch((line) -> line.contains(":" + killed.get() + "]"));
	}

	/**
	 * As {@code redis-cli --cluster reshard} moves the topic's slot to another master.
	 */
	@Test
	void aSlotMovedMidStreamDeliveryResumesWithinSecondsOfTheMoveAndNothingIsLostSilently() {
		streamThrough((channel) -> {
			int from = this.cluster.masterPortOf(channel);
			int to = this.cluster.masterPorts().stream().filter((port) -> port != from).findFirst().orElseThrow();
			this.cluster.moveSlotOf(channel, to);
		});
	}

	/**
	 * Streams a topic with history from A to a subscriber on B, disrupts the master of
	 * its channel once 20 publications have arrived, and checks what B got.
	 */
	private void streamThrough(Consumer<String> disruption) {
		// A history long enough to span the disruption.
		String topic = "race:" + UUID.randomUUID();
		AtomicInteger next = new AtomicInteger();
		ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
		try (WsTestClient onB = this.b.connect()) {
			HistoryRecoveryContract.resume(onB, topic, null, 0);
			// One publication every 20 ms from node A, for 60 s at most.
			publisher.scheduleAtFixedRate(() -> {
				int n = next.getAndIncrement();
				if (n < 3000) {
					this.a.server().publish(topic, new HistoryRecoveryContract.N(n));
				}
			}, 0, 20, TimeUnit.MILLISECONDS);
			List<JsonNode> received = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				received.add(nextPublication(onB, Duration.ofSeconds(10)));
			}
			StreamPosition beforeKill = HistoryRecoveryContract.position(received.get(received.size() - 1));

			disruption.accept("ws-pubsub:{" + topic + "}");
			int firstAfterTakeover = next.get();
			long deadline = System.nanoTime() + RESUMED_WITHIN.toNanos();
			while (received.get(received.size() - 1).get("n").intValue() < firstAfterTakeover) {
				Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
				received.add(nextPublication(onB, left));
			}
			publisher.shutdownNow();

			// Within an epoch offsets follow each other; a gap or a lost write begins a
			// new
			// epoch, which the subscriber sees.
			for (int i = 1; i < received.size(); i++) {
				StreamPosition previous = HistoryRecoveryContract.position(received.get(i - 1));
				StreamPosition current = HistoryRecoveryContract.position(received.get(i));
				if (current.epoch().equals(previous.epoch())) {
					assertThat(current.offset()).as("offset after " + previous).isEqualTo(previous.offset() + 1);
				}
				assertThat(received.get(i).get("n").intValue()).as("publisher order")
					.isGreaterThan(received.get(i - 1).get("n").intValue());
			}
			// A client resuming from before the kill gets exactly what followed, or is
			// told
			// it cannot.
			try (WsTestClient resumer = this.b.connect()) {
				// While the link still settles a resubscribe may answer "unavailable" (no
				// position): told plainly too, but what matters is the answer once Redis
				// answers.
				AtomicReference<JsonNode> answer = new AtomicReference<>();
				await().atMost(RESUMED_WITHIN).until(() -> {
					answer.set(HistoryRecoveryContract.resume(resumer, topic, beforeKill, 0));
					return !"null".equals(answer.get().path("position").stringValue());
				});
				JsonNode recovery = answer.get();
				if (recovery.get("recovered").booleanValue()) {
					StreamPosition current = StreamPosition.parse(recovery.get("position").stringValue());
					assertThat(current.epoch()).isEqualTo(beforeKill.epoch());
					assertThat(recovery.get("publications")).hasSize((int) (current.offset() - beforeKill.offset()));
				}
				else {
					assertThat(StreamPosition.parse(recovery.get("position").stringValue()).epoch())
						.isNotEqualTo(beforeKill.epoch());
				}
			}
		}
		finally {
			publisher.shutdownNow();
		}
	}

	/**
	 * The next publication, past any reset notice: when the failover begins a new epoch,
	 * connected subscribers are told so before its first publication.
	 */
	private static JsonNode nextPublication(WsTestClient client, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
			JsonNode message = HistoryRecoveryContract.JSON.readTree(client.awaitMessage(left));
			if (!"topic_reset".equals(message.path("type").asString(""))) {
				return message;
			}
		}
	}

}
