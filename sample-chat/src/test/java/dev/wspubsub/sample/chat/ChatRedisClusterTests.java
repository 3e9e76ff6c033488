package dev.wspubsub.sample.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wspubsub.test.TestRedisCluster;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.wspubsub.sample.chat.ChatClients.idOf;
import static dev.wspubsub.sample.chat.ChatClients.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two chat nodes with the {@code redis} profile on a real Redis Cluster of three masters
 * and three replicas, given only {@code spring.data.redis.cluster.nodes}: the same chat,
 * history and recovery as on one Redis, with every room on a shard channel and no classic
 * channel anywhere.
 */
class ChatRedisClusterTests {

	private static TestRedisCluster cluster;

	private static ConfigurableApplicationContext nodeA;

	private static ConfigurableApplicationContext nodeB;

	@BeforeAll
	static void start() {
		cluster = TestRedisCluster.start();
		nodeA = ChatNodes.start(cluster);
		nodeB = ChatNodes.start(cluster);
	}

	@AfterAll
	static void stop() {
		nodeB.close();
		nodeA.close();
		cluster.close();
	}

	@Test
	void usersOnTwoNodesShareRoomsHistoryPresenceAndDirectMessages() {
		try (WsTestClient ann = ChatClients.connect(ChatNodes.port(nodeA), "Ann");
				WsTestClient bob = WsTestClient.connect(ChatClients.uri(ChatNodes.port(nodeB), "Bob"))) {
			String bobId = bob.awaitType("welcome").path("clientId").asString();
			JsonNode users = bob.awaitType("presence_list").path("users");
			assertThat(users.valueStream().map((user) -> user.path("userId").asString()))
				.as("the presence list on node B")
				.contains(idOf(ann), bobId);

			JsonNode joined = join(ann, "general");
			assertThat(joined.path("historyAvailable").asBoolean()).isTrue();
			join(bob, "general");
			ChatNodes.awaitListening(cluster, "room:general", 2);
			ann.sendJson(Map.of("type", "chat", "room", "general", "text", "hello from node A"));
			JsonNode chat = bob.awaitType("chat");
			assertThat(chat.path("username").asString()).isEqualTo("Ann");
			assertThat(chat.path("text").asString()).isEqualTo("hello from node A");
			assertThat(ann.awaitType("chat").path("offset").asLong()).as("the same position on both nodes")
				.isEqualTo(chat.path("offset").asLong());

			try (WsTestClient cleo = ChatClients.connect(ChatNodes.port(nodeB), "Cleo")) {
				JsonNode history = join(cleo, "general").path("history");
				assertThat(history.valueStream().map((line) -> line.path("text").asString()))
					.containsExactly("hello from node A");
			}

			ChatNodes.awaitListening(cluster, "user:" + bobId, 1);
			ann.sendJson(Map.of("type", "direct_message", "targetUserId", bobId, "content", "psst, Bob"));
			JsonNode dm = bob.awaitType("direct_message");
			assertThat(dm.path("fromUserId").asString()).isEqualTo(idOf(ann));
			assertThat(dm.path("content").asString()).isEqualTo("psst, Bob");

			List<String> shardChannels = new ArrayList<>();
			for (int port : cluster.masterPorts()) {
				shardChannels.addAll(cluster.node(port).pubsubShardChannels("ws-pubsub:*"));
				assertThat(cluster.node(port).pubsubChannels()).as("classic channels on master " + port).isEmpty();
			}
			assertThat(shardChannels).contains("ws-pubsub:{room:general}", "ws-pubsub:{user:" + bobId + "}");
		}
	}

	@Test
	void aUserWhoDroppedGetsExactlyWhatWasSaidOnTheOtherNodeMeanwhileOnRejoiningOnEitherNode() {
		try (WsTestClient ann = ChatClients.connect(ChatNodes.port(nodeA), "Ann")) {
			join(ann, "resume");
			JsonNode lastSeen;
			try (WsTestClient bob = ChatClients.connect(ChatNodes.port(nodeB), "Bob")) {
				join(bob, "resume");
				ChatNodes.awaitListening(cluster, "room:resume", 2);
				ann.sendJson(Map.of("type", "chat", "room", "resume", "text", "seen"));
				lastSeen = bob.awaitType("chat");
				assertThat(ann.awaitType("chat").path("offset").asLong()).isEqualTo(lastSeen.path("offset").asLong());
				bob.abort();
			}
			List<String> missed = new ArrayList<>(List.of("missed 1", "missed 2", "missed 3"));
			for (String text : missed) {
				ann.sendJson(Map.of("type", "chat", "room", "resume", "text", text));
				ann.awaitType("chat");
			}
			Map<String, Object> since = Map.of("epoch", lastSeen.path("epoch").asString(), "offset",
					lastSeen.path("offset").asLong());
			for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
				try (WsTestClient bob = ChatClients.connect(ChatNodes.port(node), "Bob")) {
					bob.sendJson(Map.of("type", "join_room", "room", "resume", "since", since));
					JsonNode joined = bob.awaitType("room_joined");
					assertThat(joined.path("recovered").asBoolean()).as("recovered on " + ChatNodes.port(node))
						.isTrue();
					assertThat(joined.path("history").valueStream().map((line) -> line.path("text").asString()))
						.containsExactlyElementsOf(missed);
					ChatNodes.awaitListening(cluster, "room:resume", (node == nodeA) ? 1 : 2);
					ann.sendJson(Map.of("type", "chat", "room", "resume", "text", "live on " + ChatNodes.port(node)));
					assertThat(bob.awaitType("chat").path("text").asString())
						.isEqualTo("live on " + ChatNodes.port(node));
					ann.awaitType("chat");
					missed.add("live on " + ChatNodes.port(node));
				}
			}
		}
	}

}
