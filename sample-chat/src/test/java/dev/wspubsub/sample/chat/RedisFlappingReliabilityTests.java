package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability, Redis flapping (issue 14, scenario 1): two chat nodes on one Redis that is
 * killed and started again over and over while both nodes chat. On every flap: everything
 * said on a node reaches its own people (nothing lost, nothing twice), every request is
 * answered within 2 s, messages from the other node flow again within 5 s of Redis'
 * return, and a reader resuming from before the outage is told its gap cannot be
 * recovered.
 *
 * <p>
 * Short form in {@code ./mvnw verify}: 3 flaps of 2 s down, 3 s up. Full form,
 * {@code reliability/run-redis-flapping.sh}: every 10 s for 3 minutes.
 */
class RedisFlappingReliabilityTests {

	private static final int FLAPS = Integer.getInteger("reliability.flaps", 3);

	private static final Duration DOWN = Duration.parse(System.getProperty("reliability.down", "PT2S"));

	private static final Duration UP = Duration.parse(System.getProperty("reliability.up", "PT3S"));

	private static final String ROOM = "flap";

	@Test
	void eachNodeKeepsChattingThroughEveryOutageAndTheClusterHealsAfterEachReturn() throws Exception {
		ScheduledExecutorService chatter = Executors.newSingleThreadScheduledExecutor();
		ExecutorService requests = Executors.newSingleThreadExecutor();
		AtomicBoolean running = new AtomicBoolean(true);
		// The outages are made on purpose: their warnings are captured and asserted, not
		// printed; from when the nodes have started, which resets the logging.
		try (TestRedis redis = TestRedis.start();
				ConfigurableApplicationContext nodeA = ChatNodes.start(redis, ChatNodes.QUICK_RECOVERY);
				ConfigurableApplicationContext nodeB = ChatNodes.start(redis, ChatNodes.QUICK_RECOVERY);
				ExpectedLog outages = ExpectedLog.redisOutage();
				WsTestClient ann = ChatClients.connect(ChatNodes.port(nodeA), "Ann");
				WsTestClient bob = ChatClients.connect(ChatNodes.port(nodeB), "Bob");
				WsTestClient eve = ChatClients.connect(ChatNodes.port(nodeA), "Eve")) {
			ChatClients.join(ann, ROOM);
			ChatClients.join(bob, ROOM);
			RoomReader cleo = new RoomReader("Cleo", ROOM); // Ann's neighbour on node A
			cleo.connect(ChatNodes.port(nodeA));
			RoomReader dan = new RoomReader("Dan", ROOM); // on node B, hears Ann only
															// through Redis
			dan.connect(ChatNodes.port(nodeB));
			ChatNodes.awaitListening(redis, "room:" + ROOM, 2);

			AtomicInteger sent = new AtomicInteger();
			chatter.scheduleAtFixedRate(() -> {
				int n = sent.incrementAndGet();
				ann.sendJson(Map.of("type", "chat", "room", ROOM, "text", "a" + n));
				bob.sendJson(Map.of("type", "chat", "room", ROOM, "text", "b" + n));
			}, 0, 20, TimeUnit.MILLISECONDS);
			Future<Duration> slowestAnswer = requests.submit(() -> answerTimes(eve, running));

			List<Duration> resumedAfter = new ArrayList<>();
			RoomReader.Received beforeLastOutage = null;
			for (int flap = 1; flap <= FLAPS; flap++) {
				awaitTraffic(cleo, UP);
				beforeLastOutage = dan.last();
				redis.stopServer();
				await().atMost(Duration.ofSeconds(10)).until(() -> !nodeA.getBean(RedisFanout.class).isUp());
				awaitTraffic(cleo, DOWN); // node A's people still hear each other
				int sentBeforeReturn = sent.get();
				long returning = System.nanoTime();
				redis.startServer();
				await("Ann heard on node B again").atMost(Duration.ofSeconds(15))
					.until(() -> dan.received()
						.stream()
						.anyMatch((message) -> message.text().startsWith("a")
								&& Integer.parseInt(message.text().substring(1)) > sentBeforeReturn));
				resumedAfter.add(Duration.ofNanos(System.nanoTime() - returning));
			}
			chatter.shutdown();
			assertThat(chatter.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			running.set(false);
			ann.sendJson(Map.of("type", "chat", "room", ROOM, "text", "a-end"));
			await().atMost(Duration.ofSeconds(15)).until(() -> "a-end".equals(lastFromAnn(cleo)));

			Duration slowest = slowestAnswer.get(30, TimeUnit.SECONDS);
			System.out.printf(
					"Redis flapping: %d flaps (%s down, %s up), %d messages per node, slowest answer %d ms,"
							+ " cross-node delivery back after %s ms%n",
					FLAPS, DOWN, UP, sent.get(), slowest.toMillis(),
					resumedAfter.stream().map(Duration::toMillis).toList());
			// Local delivery: every message Ann sent reached Cleo on the same node, once.
			List<String> fromAnn = cleo.received()
				.stream()
				.map(RoomReader.Received::text)
				.filter((text) -> text.startsWith("a"))
				.toList();
			assertThat(new HashSet<>(fromAnn)).as("Ann's messages Cleo got")
				.hasSize(fromAnn.size())
				.containsAll(expected(sent.get()));
			assertThat(slowest).as("slowest answer to a request").isLessThan(Duration.ofSeconds(2));
			assertThat(resumedAfter).as("cross-node delivery after each return of Redis")
				.allSatisfy((delay) -> assertThat(delay).isLessThan(Duration.ofSeconds(5)));

			// Ann published while Redis was away: a reader resuming from before that is
			// told, not left with a gap.
			RoomReader late = new RoomReader("Dan", ROOM);
			JsonNode rejoin = late.rejoinFrom(ChatNodes.port(nodeB), beforeLastOutage);
			assertThat(rejoin.path("recovered").asBoolean()).as("resuming from before the outage: " + rejoin).isFalse();
			assertThat(outages.lines()).as("the outages were noticed").isNotEmpty();
		}
		finally {
			running.set(false);
			chatter.shutdownNow();
			requests.shutdownNow();
		}
	}

	/**
	 * Eve asks, again and again, for something that reads the room history (join) and for
	 * a pong; answers the slowest wait.
	 */
	private static Duration answerTimes(WsTestClient eve, AtomicBoolean running) {
		Duration slowest = Duration.ZERO;
		while (running.get()) {
			for (String type : List.of("join_room", "ping")) {
				long asked = System.nanoTime();
				eve.sendJson(Map.of("type", type, "room", "probe"));
				ChatClients.receivedUntil(eve, "join_room".equals(type) ? "room_joined" : "pong");
				Duration took = Duration.ofNanos(System.nanoTime() - asked);
				slowest = (took.compareTo(slowest) > 0) ? took : slowest;
			}
			eve.sendJson(Map.of("type", "leave_room", "room", "probe"));
		}
		return slowest;
	}

	private static void awaitTraffic(RoomReader reader, Duration during) {
		int before = reader.received().size();
		await().pollDelay(during).atMost(during.plusSeconds(30)).until(() -> reader.received().size() > before);
	}

	private static String lastFromAnn(RoomReader reader) {
		List<RoomReader.Received> received = reader.received();
		for (int i = received.size() - 1; i >= 0; i--) {
			if (received.get(i).text().startsWith("a")) {
				return received.get(i).text();
			}
		}
		return null;
	}

	private static Set<String> expected(int count) {
		Set<String> texts = new HashSet<>();
		for (int n = 1; n <= count; n++) {
			texts.add("a" + n);
		}
		texts.add("a-end");
		return texts;
	}

}
