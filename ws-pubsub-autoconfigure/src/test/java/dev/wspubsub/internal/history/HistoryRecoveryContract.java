package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wspubsub.Publication;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client that resubscribes with a position gets, whatever keeps the history: the
 * same tests run against the in-memory history of one node and against Redis with two.
 * Topics {@code h:*} keep 20 publications for a minute, {@code race:*} 50,000.
 */
abstract class HistoryRecoveryContract {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	static final JsonMapper JSON = JsonMapper.shared();

	/** The node publications are made on. */
	abstract HistoryNode publisher();

	/** The node clients resubscribe to: another one where there is a cluster. */
	abstract HistoryNode subscriber();

	/**
	 * The properties of a node whose fan-out goes through the Redis that
	 * {@code redisProperty} points at, checked often.
	 */
	static Map<String, String> redisFanoutProperties(String redisProperty, String value) {
		Map<String, String> properties = new HashMap<>(LocalHistoryRecoveryTests.PROPERTIES);
		properties.put(redisProperty, value);
		properties.put("ws-pubsub.fanout.redis.enabled", "true");
		properties.put("ws-pubsub.fanout.redis.probe-interval", "200ms");
		properties.put("ws-pubsub.fanout.redis.max-reconnect-delay", "200ms");
		return properties;
	}

	static String topic() {
		return "h:" + UUID.randomUUID();
	}

	/**
	 * Publishes {@code count} JSON messages {"n":i} through the server API and answers
	 * their positions.
	 */
	List<StreamPosition> publish(String topic, int from, int count) {
		List<StreamPosition> positions = new ArrayList<>();
		for (int i = from; i < from + count; i++) {
			positions.add(publisher().server().publishForPosition(topic, new N(i)).block(TIMEOUT));
		}
		return positions;
	}

	record N(int n) {
	}

	static JsonNode resume(WsTestClient client, String topic, StreamPosition since, int latest) {
		client.send("resume " + topic + " " + ((since != null) ? since.toString() : "-") + " " + latest);
		return client.awaitType("recovery");
	}

	static List<Integer> numbers(JsonNode recovery) {
		List<Integer> numbers = new ArrayList<>();
		recovery.get("publications")
			.forEach((text) -> numbers.add(JSON.readTree(text.stringValue()).get("n").intValue()));
		return numbers;
	}

	@Test
	void everyNodeSeesTheSamePositionForTheSamePublication() {
		String topic = topic();
		try (WsTestClient onPublisher = publisher().connect(); WsTestClient onSubscriber = subscriber().connect()) {
			resume(onPublisher, topic, null, 0);
			resume(onSubscriber, topic, null, 0);
			List<StreamPosition> published = publish(topic, 0, 5);
			published.add(subscriber().server().publishForPosition(topic, new N(5)).block(TIMEOUT));
			for (WsTestClient client : List.of(onPublisher, onSubscriber)) {
				for (StreamPosition expected : published) {
					assertThat(position(JSON.readTree(client.awaitMessage()))).isEqualTo(expected);
				}
			}
			assertThat(published).extracting(StreamPosition::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		}
	}

	@Test
	void eachPublicationGetsTheNextOffsetAndCarriesItsPositionInTheMessage() {
		String topic = topic();
		try (WsTestClient client = subscriber().connect()) {
			JsonNode first = resume(client, topic, null, 0);
			// A topic without history yet: read at offset 0, and the read keeps nothing,
			// so the first publication begins the topic's epoch.
			assertThat(StreamPosition.parse(first.get("position").stringValue()).offset()).isZero();
			List<StreamPosition> positions = publish(topic, 0, 3);
			String epoch = positions.get(0).epoch();
			for (int i = 0; i < 3; i++) {
				assertThat(positions.get(i)).isEqualTo(new StreamPosition(epoch, 1 + i));
				JsonNode live = JSON.readTree(client.awaitMessage());
				assertThat(live.get("n").intValue()).isEqualTo(i);
				assertThat(live.get("epoch").stringValue()).isEqualTo(epoch);
				assertThat(live.get("offset").longValue()).isEqualTo(1 + i);
			}
			assertThat(subscriber().server().position(topic).block(TIMEOUT)).isEqualTo(positions.get(2));
		}
	}

	@Test
	void aClientThatResumesGetsExactlyWhatItMissedInOrderThenLiveMessages() {
		String topic = topic();
		StreamPosition lastSeen;
		try (WsTestClient client = subscriber().connect()) {
			resume(client, topic, null, 0);
			publish(topic, 0, 2);
			client.awaitMessage();
			lastSeen = position(JSON.readTree(client.awaitMessage()));
		}
		publish(topic, 2, 5); // missed while away
		try (WsTestClient client = subscriber().connect()) {
			JsonNode recovery = resume(client, topic, lastSeen, 3);
			assertThat(recovery.get("recovered").booleanValue()).isTrue();
			assertThat(numbers(recovery)).containsExactly(2, 3, 4, 5, 6);
			publish(topic, 7, 1);
			JsonNode live = JSON.readTree(client.awaitMessage());
			assertThat(live.get("n").intValue()).isEqualTo(7);
			assertThat(position(live).offset()).isEqualTo(lastSeen.offset() + 6);
		}
	}

	@Test
	void aPositionTrimmedOutOfTheHistoryIsNotRecoveredAndTheNewestAreHandedOverWithTheCurrentPosition() {
		String topic = topic();
		StreamPosition first = publish(topic, 0, 1).get(0);
		List<StreamPosition> later = publish(topic, 1, 299); // far past the size of 20,
																// also for Redis'
																// approximate trim
		try (WsTestClient client = subscriber().connect()) {
			JsonNode recovery = resume(client, topic, first, 3);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			assertThat(recovery.get("position").stringValue()).isEqualTo(later.get(later.size() - 1).toString());
			assertThat(numbers(recovery)).containsExactly(297, 298, 299);
		}
	}

	@Test
	void aPositionOfAnotherEpochIsNotRecovered() {
		String topic = topic();
		StreamPosition current = publish(topic, 0, 2).get(1);
		try (WsTestClient client = subscriber().connect()) {
			JsonNode recovery = resume(client, topic, new StreamPosition("gone1234", 1), 5);
			assertThat(recovery.get("recovered").booleanValue()).isFalse();
			assertThat(recovery.get("position").stringValue()).isEqualTo(current.toString());
			assertThat(numbers(recovery)).containsExactly(0, 1);
		}
	}

	@Test
	void theLatestValueOfATopicIsItsNewestPublication() {
		String topic = topic();
		publish(topic, 0, 4);
		List<Publication> latest = subscriber().server().history(topic, 1).block(TIMEOUT);
		assertThat(latest).hasSize(1);
		assertThat(JSON.readTree(latest.get(0).asText()).get("n").intValue()).isEqualTo(3);
		assertThat(subscriber().server().history("no-history", 1).blockOptional(TIMEOUT)).isEmpty();
	}

	/**
	 * Publications race the resubscribes: each client resumes from the position of the
	 * moment it connects, while one publisher goes on at full speed. For every client,
	 * what it was handed and what came live after it must be exactly the publications
	 * after its position, each once, in order.
	 */
	@Test
	void resubscribesRacingAFullSpeedPublisherGetEveryPublicationAfterTheirPositionExactlyOnce() throws Exception {
		String topic = "race:" + UUID.randomUUID();
		int clients = 100;
		int maxPublications = 20_000; // within the history's size: this tests the race,
										// not the trim
		StreamPosition start = publish(topic, 0, 1).get(0); // publication n has offset
															// start + n
		AtomicBoolean publishing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		List<WsTestClient> connected = new ArrayList<>();
		List<StreamPosition> sinces = new ArrayList<>();
		int total;
		try {
			Future<Integer> publisher = pool.submit(() -> {
				int n = 1;
				long deadline = System.nanoTime() + TIMEOUT.toNanos();
				while (publishing.get() && n < maxPublications && System.nanoTime() < deadline) {
					if (n % 256 == 0) {
						// Now and then wait for the store: a publisher may outrun Redis,
						// not the node's buffer for it.
						publisher().server().publishForPosition(topic, new N(n++)).block(TIMEOUT);
					}
					else {
						publisher().server().publish(topic, new N(n++));
					}
				}
				return n;
			});
			for (int i = 0; i < clients; i++) {
				WsTestClient client = subscriber().connect();
				connected.add(client);
				StreamPosition since = subscriber().server().position(topic).block(TIMEOUT);
				sinces.add(since);
				client.send("resume " + topic + " " + since + " 0");
			}
			await().atMost(TIMEOUT).until(() -> subscriber().server().subscriberCount(topic) == clients);
			publishing.set(false);
			total = publisher.get();
			StreamPosition last = publisher().server().publishForPosition(topic, new N(total)).block(TIMEOUT);
			assertThat(last).isEqualTo(new StreamPosition(start.epoch(), start.offset() + total));
			assertThat(sinces.get(clients - 1).offset()).as("publications made while clients resumed")
				.isGreaterThan(sinces.get(0).offset());
		}
		finally {
			pool.shutdownNow();
		}
		try {
			for (int i = 0; i < clients; i++) {
				WsTestClient client = connected.get(i);
				JsonNode recovery = client.awaitJson();
				assertThat(recovery.get("type").stringValue()).as("the first message").isEqualTo("recovery");
				assertThat(recovery.get("recovered").booleanValue()).as("recovered: %s", recovery.get("position"))
					.isTrue();
				List<Integer> received = new ArrayList<>(numbers(recovery));
				while (received.isEmpty() || received.get(received.size() - 1) < total) {
					received.add(JSON.readTree(client.awaitMessage()).get("n").intValue());
				}
				List<Integer> expected = new ArrayList<>();
				for (long n = sinces.get(i).offset() - start.offset() + 1; n <= total; n++) {
					expected.add((int) n);
				}
				assertThat(received).as("publications seen by client %d", i).isEqualTo(expected);
			}
		}
		finally {
			connected.forEach(WsTestClient::close);
		}
	}

	static StreamPosition position(JsonNode message) {
		return new StreamPosition(message.get("epoch").stringValue(), message.get("offset").longValue());
	}

}
