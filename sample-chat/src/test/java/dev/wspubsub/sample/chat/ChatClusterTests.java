package dev.wspubsub.sample.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wspubsub.spi.Fanout;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.wspubsub.sample.chat.ChatClients.idOf;
import static dev.wspubsub.sample.chat.ChatClients.join;
import static dev.wspubsub.sample.chat.ChatClients.ofType;
import static dev.wspubsub.sample.chat.ChatClients.receivedUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two chat nodes with the {@code redis} profile on one real Redis: one chat, which
 * outlives Redis going away.
 */
class ChatClusterTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Test
	void usersOnTwoNodesShareRoomsHistoryPresenceAndDirectMessages() throws Exception {
		try (TestRedis redis = TestRedis.start();
				ConfigurableApplicationContext nodeA = startNode(redis);
				ConfigurableApplicationContext nodeB = startNode(redis);
				WsTestClient ann = ChatClients.connect(port(nodeA), "Ann");
				WsTestClient bob = WsTestClient.connect(ChatClients.uri(port(nodeB), "Bob"))) {
			String bobId = bob.awaitType("welcome").path("clientId").asString();
			JsonNode users = bob.awaitType("presence_list").path("users");
			assertThat(users.valueStream().map((user) -> user.path("userId").asString()))
				.as("the presence list on node B")
				.containsExactlyInAnyOrder(idOf(ann), bobId);

			join(ann, "general");
			join(bob, "general");
			awaitNodesListening(redis, "room:general", 2);
			ann.sendJson(Map.of("type", "chat", "room", "general", "text", "hello from node A"));
			JsonNode chat = bob.awaitType("chat");
			assertThat(chat.path("username").asString()).isEqualTo("Ann");
			assertThat(chat.path("text").asString()).isEqualTo("hello from node A");
			ann.awaitType("chat");

			try (WsTestClient cleo = ChatClients.connect(port(nodeB), "Cleo")) {
				JsonNode history = join(cleo, "general").path("history");
				assertThat(history.valueStream().map((line) -> line.path("text").asString()))
					.containsExactly("hello from node A");
			}

			awaitNodesListening(redis, "user:" + bobId, 1);
			ann.sendJson(Map.of("type", "direct_message", "targetUserId", bobId, "content", "psst, Bob"));
			JsonNode dm = bob.awaitType("direct_message");
			assertThat(dm.path("fromUserId").asString()).isEqualTo(idOf(ann));
			assertThat(dm.path("content").asString()).isEqualTo("psst, Bob");
		}
	}

	@Test
	void aUserWhoDroppedGetsExactlyWhatWasSaidOnTheOtherNodeMeanwhileOnRejoiningOnEitherNode() throws Exception {
		try (TestRedis redis = TestRedis.start();
				ConfigurableApplicationContext nodeA = startNode(redis);
				ConfigurableApplicationContext nodeB = startNode(redis);
				WsTestClient ann = ChatClients.connect(port(nodeA), "Ann")) {
			join(ann, "resume");
			JsonNode lastSeen;
			try (WsTestClient bob = ChatClients.connect(port(nodeB), "Bob")) {
				join(bob, "resume");
				awaitNodesListening(redis, "room:resume", 2);
				ann.sendJson(Map.of("type", "chat", "room", "resume", "text", "seen"));
				lastSeen = bob.awaitType("chat");
				assertThat(lastSeen.path("text").asString()).isEqualTo("seen");
				assertThat(ann.awaitType("chat").path("offset").asLong()).as("the same position on both nodes")
					.isEqualTo(lastSeen.path("offset").asLong());
				bob.abort();
			}
			List<String> missed = new ArrayList<>(List.of("missed 1", "missed 2", "missed 3"));
			for (String text : missed) {
				ann.sendJson(Map.of("type", "chat", "room", "resume", "text", text));
				ann.awaitType("chat");
			}
			// Bob last saw "seen": each rejoin from there gets everything after it, the
			// earlier rejoin's live message too.
			Map<String, Object> since = Map.of("epoch", lastSeen.path("epoch").asString(), "offset",
					lastSeen.path("offset").asLong());
			for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
				try (WsTestClient bob = ChatClients.connect(port(node), "Bob")) {
					bob.sendJson(Map.of("type", "join_room", "room", "resume", "since", since));
					JsonNode joined = bob.awaitType("room_joined");
					assertThat(joined.path("recovered").asBoolean()).as("recovered on " + port(node)).isTrue();
					assertThat(joined.path("history").valueStream().map((line) -> line.path("text").asString()))
						.containsExactlyElementsOf(missed);
					assertThat(joined.path("offset").asLong())
						.isEqualTo(lastSeen.path("offset").asLong() + missed.size());
					awaitNodesListening(redis, "room:resume", (node == nodeA) ? 1 : 2);
					ann.sendJson(Map.of("type", "chat", "room", "resume", "text", "live on " + port(node)));
					assertThat(bob.awaitType("chat").path("text").asString()).isEqualTo("live on " + port(node));
					ann.awaitType("chat");
					missed.add("live on " + port(node));
				}
			}
		}
	}

	@Test
	void whileRedisIsDownEachNodeAnswersAtOnceAndSaysSoAndAfterItsReturnTheChatIsWholeAgain() throws Exception {
		// The outage is made on purpose: its warnings are captured and asserted, not
		// printed; from when the nodes have started, which resets the logging.
		try (TestRedis redis = TestRedis.start();
				ConfigurableApplicationContext nodeA = startNode(redis, QUICK_RECOVERY);
				ConfigurableApplicationContext nodeB = startNode(redis, QUICK_RECOVERY);
				ExpectedLog outage = ExpectedLog.redisOutage();
				WsTestClient ann = ChatClients.connect(port(nodeA), "Ann");
				WsTestClient bob = ChatClients.connect(port(nodeB), "Bob")) {
			join(ann, "general");
			join(bob, "general");
			awaitNodesListening(redis, "room:general", 2);
			// A node still making its first connection is not in an outage; both must be
			// up first.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> nodeA.getBean(Fanout.class).isUp() && nodeB.getBean(Fanout.class).isUp());

			redis.stopServer();
			List<JsonNode> annSaw = receivedUntil(ann, "cluster_status");
			assertThat(last(annSaw).path("available").asBoolean()).isFalse();
			assertThat(last(annSaw).path("message").asString())
				.isEqualTo("Other servers and history are unavailable; messages reach people on this server.");
			assertThat(last(receivedUntil(bob, "cluster_status")).path("available").asBoolean()).isFalse();
			assertThat(getJson(nodeA, "/health").path("status").asString()).isEqualTo("degraded");

			// A newcomer on node A: each request answered within 2 s of being sent, from
			// what node A knows.
			List<JsonNode> cleoSaw = new ArrayList<>();
			long connecting = System.nanoTime();
			try (WsTestClient cleo = WsTestClient.connect(ChatClients.uri(port(nodeA), "Cleo"))) {
				cleoSaw.addAll(receivedUntil(cleo, "presence_list"));
				assertAnsweredWithin2s(connecting, "welcome and presence_list");
				assertThat(usernames(last(cleoSaw).path("users"))).containsExactlyInAnyOrder("Ann", "Cleo");

				long joining = System.nanoTime();
				cleo.sendJson(Map.of("type", "join_room", "room", "general"));
				cleoSaw.addAll(receivedUntil(cleo, "room_joined"));
				assertAnsweredWithin2s(joining, "join_room");
				assertThat(last(cleoSaw).path("historyAvailable").asBoolean()).isFalse();

				long chatting = System.nanoTime();
				cleo.sendJson(Map.of("type", "chat", "room", "general", "text", "during"));
				cleoSaw.addAll(receivedUntil(cleo, "chat"));
				assertAnsweredWithin2s(chatting, "chat");
				assertThat(ann.awaitType("chat").path("text").asString()).as("delivered on node A").isEqualTo("during");

				redis.startServer();
				for (WsTestClient client : List.of(ann, bob)) {
					assertThat(last(receivedUntil(client, "cluster_status")).path("available").asBoolean()).isTrue();
				}
				cleoSaw.addAll(receivedUntil(cleo, "cluster_status"));
				assertThat(last(cleoSaw).path("message").asString())
					.isEqualTo("Other servers and history are available again.");
				assertThat(ofType(cleoSaw, "cluster_status")).as("told once each way")
					.extracting((notice) -> notice.path("available").asBoolean())
					.containsExactly(false, true);
				assertThat(getJson(nodeA, "/health").path("status").asString()).isEqualTo("healthy");

				ann.sendJson(Map.of("type", "chat", "room", "general", "text", "after"));
				JsonNode chat;
				do {
					chat = bob.awaitType("chat"); // what node A buffered may come first
				}
				while (!"after".equals(chat.path("text").asString()));
				await("presence rebuilt from both nodes").atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(usernames(getJson(nodeB, "/api/presence")))
						.containsExactlyInAnyOrder("Ann", "Bob", "Cleo"));
			}
			assertThat(outage.lines()).as("the outage was noticed").isNotEmpty();
		}
	}

	@Test
	void aNodeThatCannotReachRedisFromItsStartSaysSoAfterItsStartGraceAndKeepsChattingLocally() throws Exception {
		try (TestRedis redis = TestRedis.start()) {
			redis.stopServer();
			SpringApplication application = new SpringApplication(ChatApplication.class);
			application.setAdditionalProfiles("redis");
			application.setRegisterShutdownHook(false);
			try (ConfigurableApplicationContext node = application.run("--server.port=0",
					"--spring.data.redis.port=" + redis.port(), "--chat.heartbeat.interval=1h",
					"--chat.cluster-start-grace=1s");
					WsTestClient ann = WsTestClient.connect(ChatClients.uri(port(node), "Ann"))) {
				assertThat(last(receivedUntil(ann, "cluster_status")).path("available").asBoolean())
					.as("told once the start grace is over")
					.isFalse();
				long joining = System.nanoTime();
				ann.sendJson(Map.of("type", "join_room", "room", "general"));
				assertThat(last(receivedUntil(ann, "room_joined")).path("historyAvailable").asBoolean()).isFalse();
				assertAnsweredWithin2s(joining, "join_room");
				ann.sendJson(Map.of("type", "chat", "room", "general", "text", "alone"));
				assertThat(ann.awaitType("chat").path("text").asString()).isEqualTo("alone");
			}
		}
	}

	private static final String[] QUICK_RECOVERY = ChatNodes.QUICK_RECOVERY;

	private static void assertAnsweredWithin2s(long sentAt, String request) {
		assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).as("answer to " + request)
			.isLessThan(Duration.ofSeconds(2));
	}

	private static JsonNode last(List<JsonNode> messages) {
		return messages.get(messages.size() - 1);
	}

	private static List<String> usernames(JsonNode users) {
		return users.valueStream().map((user) -> user.path("username").asString()).toList();
	}

	private static JsonNode getJson(ConfigurableApplicationContext node, String path) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port(node) + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return JsonMapper.shared().readTree(response.body());
	}

	private static ConfigurableApplicationContext startNode(TestRedis redis, String... arguments) {
		return ChatNodes.start(redis, arguments);
	}

	private static int port(ConfigurableApplicationContext node) {
		return ChatNodes.port(node);
	}

	private static void awaitNodesListening(TestRedis redis, String topic, long nodes) {
		ChatNodes.awaitListening(redis, topic, nodes);
	}

}
