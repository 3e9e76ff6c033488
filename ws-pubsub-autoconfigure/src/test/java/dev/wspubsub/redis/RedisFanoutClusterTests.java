package dev.wspubsub.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Three application nodes in this JVM sharing one real Redis. */
class RedisFanoutClusterTests {

	private static final int MESSAGES_PER_NODE = 10_000;

	private static TestRedis redis;

	private static final List<Node> nodes = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		redis = TestRedis.start();
		for (int i = 0; i < 3; i++) {
			nodes.add(Node.start(redis));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().allMatch((node) -> node.fanout().isUp()));
	}

	@AfterAll
	static void stopCluster() {
		nodes.forEach(Node::close);
		redis.close();
	}

	@Test
	void everyPublishReachesEverySubscriberOnEveryNodeOnceInOrderExceptTheSender() throws Exception {
		List<WsTestClient> publishers = new ArrayList<>();
		List<WsTestClient> listeners = new ArrayList<>();
		try {
			for (Node node : nodes) {
				publishers.add(subscribed(node, "room"));
				listeners.add(subscribed(node, "room"));
			}
			awaitChannelSubscribers("ws-pubsub:t:room", 3);
			ExecutorService pool = Executors.newFixedThreadPool(3);
			List<CompletableFuture<Void>> sending = new ArrayList<>();
			for (int n = 0; n < 3; n++) {
				WsTestClient publisher = publishers.get(n);
				String source = "n" + n;
				sending.add(CompletableFuture.runAsync(() -> {
					for (int seq = 0; seq < MESSAGES_PER_NODE; seq++) {
						publisher.send("pub room " + source + ":" + seq);
					}
				}, pool));
			}
			CompletableFuture.allOf(sending.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
			pool.shutdown();
			for (int n = 0; n < 3; n++) {
				assertReceivedInOrder(listeners.get(n), List.of("n0", "n1", "n2"));
				List<String> others = new ArrayList<>(List.of("n0", "n1", "n2"));
				others.remove("n" + n);
				assertReceivedInOrder(publishers.get(n), others);
			}
			// Nothing twice: the queues stay empty once everything expected has arrived.
			for (int n = 0; n < 3; n++) {
				listeners.get(n).assertNoMessage(Duration.ofMillis(300));
				publishers.get(n).assertNoMessage(Duration.ofMillis(300));
			}
			// And the quiet was not a dropped connection: each still answers.
			for (int n = 0; n < 3; n++) {
				assertAnswers(listeners.get(n));
				assertAnswers(publishers.get(n));
			}
			for (Node node : nodes) {
				assertThat(node.fanout().droppedCount()).isZero();
				assertThat(node.fanout().receivedCount()).isGreaterThanOrEqualTo(2L * MESSAGES_PER_NODE);
			}
		}
		finally {
			publishers.forEach(WsTestClient::close);
			listeners.forEach(WsTestClient::close);
		}
	}

	@Test
	void textAndBinaryCrossNodesUnchanged() {
		try (WsTestClient sender = subscribed(nodes.get(0), "bin");
				WsTestClient receiver = subscribed(nodes.get(1), "bin");
				WsTestClient textReceiver = subscribed(nodes.get(2), "text")) {
			awaitChannelSubscribers("ws-pubsub:t:bin", 2);
			awaitChannelSubscribers("ws-pubsub:t:text", 1);
			byte[] binary = new byte[70_000];
			for (int i = 0; i < binary.length; i++) {
				binary[i] = (byte) i;
			}
			sender.sendBinary(binary);
			assertThat(receiver.awaitBinary(Duration.ofSeconds(10))).isEqualTo(binary);
			String text = "héllo, wörld ✓ " + "x".repeat(200);
			sender.send("pub text " + text);
			assertThat(textReceiver.awaitMessage(Duration.ofSeconds(10))).isEqualTo(text);
		}
	}

	@Test
	void serverPublishReachesSubscribersOnEveryNode() {
		try (WsTestClient publisher = subscribed(nodes.get(0), "global");
				WsTestClient first = subscribed(nodes.get(1), "global");
				WsTestClient second = subscribed(nodes.get(2), "global")) {
			awaitChannelSubscribers("ws-pubsub:t:global", 3);
			publisher.send("spub global hello all");
			assertThat(publisher.awaitMessage(Duration.ofSeconds(10))).isEqualTo("hello all");
			assertThat(first.awaitMessage(Duration.ofSeconds(10))).isEqualTo("hello all");
			assertThat(second.awaitMessage(Duration.ofSeconds(10))).isEqualTo("hello all");
			publisher.assertNoMessage(Duration.ofMillis(300));
			assertAnswers(publisher);
		}
	}

	/** A round trip: the connection is open and its messages are still handled. */
	static void assertAnswers(WsTestClient client) {
		assertThat(client.sendAndAwait("sub still-here")).isEqualTo("subscribed still-here");
	}

	static WsTestClient subscribed(Node node, String topic) {
		WsTestClient client = node.connect();
		assertThat(client.sendAndAwait("sub " + topic)).isEqualTo("subscribed " + topic);
		return client;
	}

	static void awaitChannelSubscribers(String channel, long nodes) {
		await("%d nodes subscribed to %s".formatted(nodes, channel)).atMost(Duration.ofSeconds(10))
			.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) == nodes);
	}

	private static void assertReceivedInOrder(WsTestClient client, List<String> sources) {
		List<String> received = client.awaitMessages(sources.size() * MESSAGES_PER_NODE, Duration.ofSeconds(120));
		Map<String, Integer> next = new HashMap<>();
		sources.forEach((source) -> next.put(source, 0));
		for (String message : received) {
			int colon = message.indexOf(':');
			String source = message.substring(0, colon);
			int seq = Integer.parseInt(message.substring(colon + 1));
			assertThat(next).as("a message from an expected source, not the sender").containsKey(source);
			assertThat(seq).as("next message from " + source).isEqualTo(next.get(source));
			next.put(source, seq + 1);
		}
		sources.forEach((source) -> assertThat(next.get(source)).isEqualTo(MESSAGES_PER_NODE));
	}

}
