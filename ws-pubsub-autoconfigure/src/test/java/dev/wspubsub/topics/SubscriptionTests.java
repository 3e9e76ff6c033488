package dev.wspubsub.topics;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.WsSession;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.SemanticsTestSupport;
import dev.wspubsub.testapp.SlowUpgradeEndpoint;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Subscriptions of a session, and the node-wide counts of {@code WsServer}. */
class SubscriptionTests extends SemanticsTestSupport {

	@Autowired
	SlowUpgradeEndpoint.Gate gate;

	@Test
	void subscribeAndUnsubscribeAnswerWhetherTheyChangedAnything() {
		String topic = "t-" + UUID.randomUUID();
		try (Connected c = open("/api")) {
			WsSession<?> ws = c.session();
			assertThat(ws.isSubscribed(topic)).isFalse();
			assertThat(ws.subscribe(topic)).isTrue();
			assertThat(ws.subscribe(topic)).isFalse();
			assertThat(ws.isSubscribed(topic)).isTrue();
			assertThat(ws.subscriptions()).containsExactly(topic);
			assertThat(this.server.subscriberCount(topic)).isEqualTo(1);

			assertThat(ws.unsubscribe(topic)).isTrue();
			assertThat(ws.unsubscribe(topic)).isFalse();
			assertThat(ws.isSubscribed(topic)).isFalse();
			assertThat(ws.subscriptions()).isEmpty();
			assertThat(this.server.subscriberCount(topic)).isZero();
			assertThat(this.server.publish(topic, "gone")).isZero();
		}
	}

	@Test
	void aPublishStillOnItsWayWhenTheSessionUnsubscribesIsNotDelivered() throws Exception {
		String topic = "t-" + UUID.randomUUID();
		try (Connected c = open("/api")) {
			c.session().subscribe(topic);
			EventLoop loop = ((WsConnection) c.session()).eventLoop();
			CountDownLatch release = new CountDownLatch(1);
			// The connection's loop is busy: the publish below waits in its queue, on its
			// way.
			loop.execute(() -> awaitQuietly(release));
			try {
				assertThat(this.server.publish(topic, "on its way")).isPositive();
				assertThat(c.session().unsubscribe(topic)).isTrue();
			}
			finally {
				// Also when an assertion fails: a parked loop would stall every other
				// test's connections on it.
				release.countDown();
			}
			c.client().assertNoMessage(Duration.ofMillis(500));
			assertAnswers(c.client());
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void subscriptionsIsASnapshot() {
		try (Connected c = open("/api")) {
			c.session().subscribe("snapshot-a");
			var before = c.session().subscriptions();
			c.session().subscribe("snapshot-b");
			assertThat(before).containsExactly("snapshot-a");
			assertThat(c.session().subscriptions()).containsExactlyInAnyOrder("snapshot-a", "snapshot-b");
		}
	}

	@Test
	void everySubscriptionEndsWhenTheConnectionClosesAndEmptyTopicsAreRemoved() {
		awaitNoConnections();
		int topicsBefore = this.server.topicCount();
		List<String> topics = List.of("a-" + UUID.randomUUID(), "b-" + UUID.randomUUID(), "c-" + UUID.randomUUID());
		Connected c = open("/api");
		Connected other = open("/api");
		try {
			topics.forEach(c.session()::subscribe);
			other.session().subscribe(topics.get(0));
			assertThat(this.server.topicCount()).isEqualTo(topicsBefore + 3);
			assertThat(this.server.subscriberCount(topics.get(0))).isEqualTo(2);

			c.client().close();
			await().atMost(TIMEOUT).until(() -> this.server.subscriberCount(topics.get(1)) == 0);
			assertThat(this.server.subscriberCount(topics.get(0))).isEqualTo(1);
			assertThat(this.server.subscriberCount(topics.get(2))).isZero();
			assertThat(this.server.topicCount()).isEqualTo(topicsBefore + 1);
			assertThat(c.session().subscriptions()).isEmpty();
			assertThat(c.session().subscribe(topics.get(1))).isFalse();
			assertThat(this.server.subscriberCount(topics.get(1))).isZero();

			other.client().close();
			await().atMost(TIMEOUT).until(() -> this.server.topicCount() == topicsBefore);
		}
		finally {
			c.close();
			other.close();
		}
	}

	@Test
	void serverCountsAndFindsTheOpenConnections() {
		awaitNoConnections();
		try (Connected a = open("/api"); Connected b = open("/api")) {
			assertThat(this.server.connections()).isEqualTo(2);
			assertThat(this.server.sessions()).extracting(WsSession::id).containsExactlyInAnyOrder(a.id(), b.id());
			assertThat(this.server.session(a.id())).containsSame(a.session());
			assertThat(this.server.session("no-such-id")).isEmpty();
			assertThat(this.server.pendingWebSockets()).isZero();

			b.client().close();
			await().atMost(TIMEOUT).until(() -> this.server.connections() == 1);
			assertThat(this.server.session(b.id())).isEmpty();
			assertThat(this.server.sessions()).extracting(WsSession::id).containsExactly(a.id());
		}
	}

	@Test
	void anUpgradeWaitingForAnAsynchronousOnUpgradeCountsAsPending() throws Exception {
		awaitNoConnections();
		CompletableFuture<String> data = this.gate.arm();
		CompletableFuture<WsTestClient> connecting = CompletableFuture.supplyAsync(() -> connect("/slow-upgrade"));
		try {
			await().atMost(TIMEOUT).until(() -> this.server.pendingWebSockets() == 1);
			assertThat(this.server.connections()).isZero();
			assertThat(connecting).isNotDone();
		}
		finally {
			data.complete("from a Mono");
		}
		try (WsTestClient client = connecting.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			assertThat(client.awaitType("welcome").get("text").stringValue()).isEqualTo("from a Mono");
			assertThat(this.server.pendingWebSockets()).isZero();
			assertThat(this.server.connections()).isEqualTo(1);
		}
	}

}
