package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.Map;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.wspubsub.sample.chat.ChatClients.idOf;
import static dev.wspubsub.sample.chat.ChatClients.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two chat nodes with the {@code redis} profile on one real Redis: one chat. */
class ChatClusterTests {

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
				.as("the presence list on node B").containsExactlyInAnyOrder(idOf(ann), bobId);

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

	private static ConfigurableApplicationContext startNode(TestRedis redis) {
		SpringApplication application = new SpringApplication(ChatApplication.class);
		application.setAdditionalProfiles("redis");
		application.setRegisterShutdownHook(false);
		// Arguments, so that they win over application-redis.yml.
		return application.run("--server.port=0", "--spring.data.redis.port=" + redis.port(),
				"--chat.heartbeat.interval=1h");
	}

	private static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	/** Redis subscriptions follow local interest asynchronously: wait until each node has taken it. */
	private static void awaitNodesListening(TestRedis redis, String topic, long nodes) {
		String channel = "ws-pubsub:" + topic;
		await("nodes subscribed to " + channel).atMost(Duration.ofSeconds(10))
			.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) >= nodes);
	}
}
