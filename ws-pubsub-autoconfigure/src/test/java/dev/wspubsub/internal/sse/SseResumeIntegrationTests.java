package dev.wspubsub.internal.sse;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.observability.RoomsApplication;
import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.SseTestClient.Event;
import dev.wspubsub.test.SseTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SSE streams of topics with history, over real sockets: event ids are positions, and a
 * client that reconnects with {@code Last-Event-ID} (header or query parameter) gets what
 * it missed and then the live events, or a {@code reset} when that cannot be recovered.
 */
@SpringBootTest(classes = RoomsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.sse.enabled=true", "ws-pubsub.sse.buffer-size=100000",
				"ws-pubsub.history.topics[0].pattern=small-*", "ws-pubsub.history.topics[0].size=3",
				"ws-pubsub.history.topics[1].pattern=kept-*", "ws-pubsub.history.topics[1].size=100000" })
@Import(SseResumeIntegrationTests.Resumes.class)
class SseResumeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Publications the racing publisher makes back to back, at full speed, before it
	 * pauses.
	 */
	private static final int BURST = 50;

	/**
	 * Its pause between bursts: without one it queues deliveries faster than two cores
	 * write 20 streams, and the reconnects wait behind them on the event loops until it
	 * stops.
	 */
	private static final Duration PAUSE = Duration.ofMillis(20);

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	Resumes resumes;

	@BeforeEach
	void forgetResumes() {
		this.resumes.told.clear();
	}

	@Test
	void eventIdsOfATopicWithHistoryAreThePositionsOfItsMessages() {
		try (SseTestClient sse = connect("kept-ids")) {
			sse.awaitLine(":subscribed", TIMEOUT);
			List<StreamPosition> published = List.of(publish("kept-ids", "a"), publish("kept-ids", "b"),
					publish("kept-ids", "c"));
			assertThat(published).extracting(StreamPosition::offset).containsExactly(1L, 2L, 3L);
			assertThat(List.of(sse.awaitEvent(TIMEOUT), sse.awaitEvent(TIMEOUT), sse.awaitEvent(TIMEOUT)))
				.containsExactly(new Event(published.get(0).toString(), "message", "a"),
						new Event(published.get(1).toString(), "message", "b"),
						new Event(published.get(2).toString(), "message", "c"));
		}
		assertThat(this.resumes.told).as("a stream opened without an id is no resume").isEmpty();
	}

	@Test
	void aTopicWithoutHistoryCountsEventIdsFromOneAndIgnoresLastEventId() {
		try (SseTestClient sse = connect("plain", Map.of("Last-Event-ID", "2"))) {
			sse.awaitLine(":subscribed", TIMEOUT);
			this.server.publish("plain", "a");
			this.server.publish("plain", "b");
			this.server.publish("plain", "c");
			assertThat(List.of(sse.awaitEvent(TIMEOUT), sse.awaitEvent(TIMEOUT), sse.awaitEvent(TIMEOUT)))
				.containsExactly(new Event("1", "message", "a"), new Event("2", "message", "b"),
						new Event("3", "message", "c"));
		}
	}

	@Test
	void aClientReconnectingWithTheLastEventIdHeaderGetsWhatItMissedThenLiveEvents() {
		String lastId = readTwoThenDisconnect("kept-header");
		List<StreamPosition> missed = List.of(publish("kept-header", "m-3"), publish("kept-header", "m-4"),
				publish("kept-header", "m-5"));
		try (SseTestClient sse = connect("kept-header", Map.of("Last-Event-ID", lastId))) {
			assertMissedThenLive(sse, "kept-header", missed);
		}
		assertThat(this.resumes.told).containsExactly("recovered 3");
	}

	@Test
	void aClientReconnectingWithTheLastEventIdQueryParameterGetsWhatItMissedThenLiveEvents() {
		String lastId = readTwoThenDisconnect("kept-query");
		List<StreamPosition> missed = List.of(publish("kept-query", "m-3"), publish("kept-query", "m-4"),
				publish("kept-query", "m-5"));
		try (SseTestClient sse = connect("kept-query?lastEventId=" + encode(lastId))) {
			assertMissedThenLive(sse, "kept-query", missed);
		}
		assertThat(this.resumes.told).containsExactly("recovered 3");
	}

	@Test
	void theHeaderWinsOverTheQueryParameterAsAnEventSourceReconnectsToItsFirstUrlWithANewerHeader() {
		StreamPosition stale = publish("kept-both", "m-1");
		StreamPosition newer = publish("kept-both", "m-2");
		List<StreamPosition> missed = List.of(publish("kept-both", "m-3"));
		try (SseTestClient sse = connect("kept-both?lastEventId=" + encode(stale.toString()),
				Map.of("Last-Event-ID", newer.toString()))) {
			assertMissedThenLive(sse, "kept-both", missed);
		}
	}

	@Test
	void aClientWhoseEventsWereTrimmedGetsAResetWithTheCurrentPositionThenOnlyLiveEvents() {
		StreamPosition first = publish("small-trim", "m-1");
		for (int i = 2; i <= 6; i++) {
			publish("small-trim", "m-" + i);
		}
		try (SseTestClient sse = connect("small-trim", Map.of("Last-Event-ID", first.toString()))) {
			StreamPosition current = new StreamPosition(first.epoch(), 6);
			assertThat(sse.awaitEvent(TIMEOUT)).isEqualTo(new Event(current.toString(), "reset", current.toString()));
			StreamPosition live = publish("small-trim", "m-7");
			assertThat(sse.awaitEvent(TIMEOUT)).isEqualTo(new Event(live.toString(), "message", "m-7"));
		}
		assertThat(this.resumes.told).containsExactly("not recovered 0");
	}

	@Test
	void aClientWithAnIdOfAnotherEpochOrNoPositionAtAllGetsAReset() {
		publish("kept-epoch", "m-1");
		StreamPosition current = publish("kept-epoch", "m-2");
		for (String unknown : List.of("gone:1", "17", "not a position")) {
			try (SseTestClient sse = connect("kept-epoch", Map.of("Last-Event-ID", unknown))) {
				assertThat(sse.awaitEvent(TIMEOUT)).as(unknown)
					.isEqualTo(new Event(current.toString(), "reset", current.toString()));
			}
		}
		assertThat(this.resumes.told).containsExactly("not recovered 0", "not recovered 0", "not recovered 0");
	}

	/**
	 * Clients read a few events and drop; then, while one publisher goes at full speed
	 * (in bursts), they reconnect with their last id, one every 50 publications: each
	 * sees every publication after its id exactly once, in order.
	 */
	@Test
	@Timeout(120)
	void clientsReconnectingWhileAPublisherRacesThemEachSeeEveryPublicationAfterTheirIdOnceInOrder() throws Exception {
		int clients = 20;
		int firstBatch = 1 + clients * 7;
		// Within the history's size (this tests the race, not the trim), and few enough
		// that two
		// cores turn 20 SSE streams of it into text well within the timeout.
		int most = 5_000;
		String topic = "kept-race";
		CountDownLatch dropped = new CountDownLatch(clients);
		AtomicInteger published = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(clients + 1);
		try {
			List<Future<Run>> runs = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				int client = i;
				runs.add(threads.submit(() -> {
					String lastId = readThenDisconnect(topic, 1 + client * 7);
					dropped.countDown();
					int reconnectAt = firstBatch + 50 * client;
					await().atMost(TIMEOUT)
						.pollInterval(Duration.ofMillis(1))
						.until(() -> published.get() >= reconnectAt);
					try (SseTestClient sse = (client % 2 == 0) ? connect(topic, Map.of("Last-Event-ID", lastId))
							: connect(topic + "?lastEventId=" + encode(lastId))) {
						List<Event> events = new ArrayList<>();
						Event event;
						do {
							event = sse.awaitEvent(TIMEOUT);
							events.add(event);
						}
						while (!event.data().equals("end"));
						return new Run(StreamPosition.parse(lastId), events);
					}
				}));
			}
			await().atMost(TIMEOUT).until(() -> this.server.subscriberCount(topic) == clients);
			for (int n = 1; n <= firstBatch; n++) {
				this.server.publish(topic, "m-" + published.incrementAndGet());
			}
			assertThat(dropped.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			// Until the server has read the history for every reconnect (it subscribed
			// them just before).
			while (this.resumes.told.size() < clients && published.get() < most && System.nanoTime() < deadline) {
				this.server.publish(topic, "m-" + published.incrementAndGet());
				if (published.get() % BURST == 0) {
					LockSupport.parkNanos(PAUSE.toNanos());
				}
			}
			int resubscribed = this.resumes.told.size();
			this.server.publish(topic, "end");
			List<Run> seen = new ArrayList<>();
			for (Future<Run> each : runs) {
				seen.add(each.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
			}
			for (Run run : seen) {
				List<Event> expected = new ArrayList<>();
				for (long offset = run.from().offset() + 1; offset <= published.get() + 1; offset++) {
					String data = (offset <= published.get()) ? "m-" + offset : "end";
					expected.add(new Event(new StreamPosition(run.from().epoch(), offset).toString(), "message", data));
				}
				assertThat(run.events()).as("after " + run.from()).containsExactlyElementsOf(expected);
			}
			assertThat(this.resumes.told).hasSize(clients)
				.allSatisfy((told) -> assertThat(told).startsWith("recovered"));
			// How many did depends on the machine's load; the first always does.
			assertThat(resubscribed).as("clients that reconnected while the publisher ran").isPositive();
		}
		finally {
			threads.shutdownNow();
		}
	}

	/** What one client saw after reconnecting {@code from} a position. */
	private record Run(StreamPosition from, List<Event> events) {
	}

	/** Opens a stream, publishes m-1 and m-2, reads both, and answers the last id. */
	private String readTwoThenDisconnect(String topic) {
		try (SseTestClient sse = connect(topic)) {
			sse.awaitLine(":subscribed", TIMEOUT);
			publish(topic, "m-1");
			publish(topic, "m-2");
			assertThat(sse.awaitEvent(TIMEOUT).data()).isEqualTo("m-1");
			Event second = sse.awaitEvent(TIMEOUT);
			assertThat(second.data()).isEqualTo("m-2");
			return second.id();
		}
	}

	/** Opens a stream, reads {@code count} events, and answers the last id. */
	private String readThenDisconnect(String topic, int count) {
		try (SseTestClient sse = connect(topic)) {
			Event event = null;
			for (int i = 0; i < count; i++) {
				event = sse.awaitEvent(TIMEOUT);
			}
			return event.id();
		}
	}

	/**
	 * The missed events in order, then a live one after them, and nothing before or
	 * between.
	 */
	private void assertMissedThenLive(SseTestClient sse, String topic, List<StreamPosition> missed) {
		sse.awaitLine(":subscribed", TIMEOUT);
		for (StreamPosition position : missed) {
			assertThat(sse.awaitEvent(TIMEOUT))
				.isEqualTo(new Event(position.toString(), "message", "m-" + position.offset()));
		}
		StreamPosition live = publish(topic, "live");
		assertThat(sse.awaitEvent(TIMEOUT)).isEqualTo(new Event(live.toString(), "message", "live"));
	}

	private StreamPosition publish(String topic, String text) {
		StreamPosition position = this.server.publishForPosition(topic, text).block(TIMEOUT);
		assertThat(position).as("position of " + text).isNotNull();
		return position;
	}

	private SseTestClient connect(String topicAndQuery) {
		return connect(topicAndQuery, Map.of());
	}

	private SseTestClient connect(String topicAndQuery, Map<String, String> headers) {
		return SseTestClient.connect(URI.create("http://localhost:" + this.port + "/sse/" + topicAndQuery), TIMEOUT,
				headers);
	}

	private static String encode(String id) {
		return URLEncoder.encode(id, StandardCharsets.UTF_8);
	}

	/** Records each resume the metrics listener is told of. */
	static class Resumes implements WsMetricsListener {

		final List<String> told = new CopyOnWriteArrayList<>();

		@Override
		public void resumed(@Nullable String path, boolean recovered, int replayed) {
			if (path == null) {
				this.told.add((recovered ? "recovered " : "not recovered ") + replayed);
			}
		}

	}

}
