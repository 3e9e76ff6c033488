package dev.wspubsub.sample.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.wspubsub.sample.chat.ChatClients.assertAnswers;
import static dev.wspubsub.sample.chat.ChatClients.connect;
import static dev.wspubsub.sample.chat.ChatClients.idOf;
import static dev.wspubsub.sample.chat.ChatClients.join;
import static dev.wspubsub.sample.chat.ChatClients.ofType;
import static dev.wspubsub.sample.chat.ChatClients.receivedUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every row of the chat protocol, spoken by real WebSocket clients. Tests share one
 * server, so each uses its own user names and only asserts on what its own users caused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.heartbeat.interval=1h")
class ChatProtocolTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	PresenceStore presence;

	/**
	 * The earlier tests' users are gone before this one's connect, so their departures
	 * (user_offline, user_left) are not news to this test's users. A connection is gone
	 * before its close handler has taken its user offline and told the others: the
	 * presence store empty tells that it has.
	 */
	@BeforeEach
	void earlierClientsHaveLeft() {
		awaitOnline(0);
	}

	/**
	 * Waits until {@code users} connections are open and as many users online: the other
	 * users' close handlers have taken them offline, which they tell right after.
	 */
	private void awaitOnline(int users) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.server.connections() == users
					&& this.presence.users().block(Duration.ofSeconds(5)).size() == users);
	}

	@Test
	void upgradeWithoutAUsernameIsRefusedWith400() {
		for (String query : List.of("", "?username=", "?username=%20")) {
			assertThatExceptionOfType(WsUpgradeRejectedException.class)
				.isThrownBy(() -> WsTestClient.connect(URI.create("ws://localhost:" + this.port + "/ws" + query)))
				.satisfies((ex) -> {
					assertThat(ex.status()).isEqualTo(400);
					assertThat(ex.body()).isEqualTo("Username required");
				});
		}
	}

	@Test
	void openingSendsWelcomeAndPresenceListAndTellsTheOthers() {
		try (WsTestClient ann = WsTestClient.connect(ChatClients.uri(this.port, "open-ann"))) {
			JsonNode welcome = ann.awaitJson();
			assertThat(welcome.path("type").asString()).isEqualTo("welcome");
			assertThat(welcome.path("username").asString()).isEqualTo("open-ann");
			assertThat(welcome.path("clientId").asString()).isNotBlank();
			assertThat(welcome.path("availableRooms").valueStream().map(JsonNode::asString)).containsExactly("general",
					"random", "tech");
			JsonNode presence = ann.awaitJson();
			assertThat(presence.path("type").asString()).isEqualTo("presence_list");
			assertThat(presence.path("users").valueStream())
				.anySatisfy((user) -> assertThat(user.path("userId").asString())
					.isEqualTo(welcome.path("clientId").asString()));
			try (WsTestClient bob = WsTestClient.connect(ChatClients.uri(this.port, "open-bob"))) {
				String bobId = bob.awaitType("welcome").path("clientId").asString();
				JsonNode users = bob.awaitType("presence_list").path("users");
				assertThat(users.valueStream().map((user) -> user.path("username").asString())).contains("open-ann",
						"open-bob");
				JsonNode online = ann.awaitType("user_online").path("user");
				assertThat(online.path("userId").asString()).isEqualTo(bobId);
				assertThat(online.path("username").asString()).isEqualTo("open-bob");
				assertThat(online.path("status").asString()).isEqualTo("online");
				assertThat(online.path("lastSeen").asLong()).isPositive();
				bob.assertNoMessage(QUIET);
				assertAnswers(bob);
			}
		}
	}

	@Test
	void joiningSendsTheRoomHistoryToTheJoinerAndUserJoinedToTheOthers() {
		try (WsTestClient ann = connect(this.port, "join-ann"); WsTestClient bob = connect(this.port, "join-bob")) {
			join(ann, "random");
			ann.sendJson(Map.of("type", "chat", "room", "random", "text", "before bob"));
			ann.awaitType("chat");
			JsonNode joined = join(bob, "random");
			assertThat(joined.path("room").asString()).isEqualTo("random");
			assertThat(joined.path("historyAvailable").asBoolean()).isTrue();
			assertThat(joined.path("recovered").asBoolean()).as("no since, nothing to recover").isFalse();
			JsonNode last = joined.path("history").get(joined.path("history").size() - 1);
			assertThat(last.path("type").asString()).isEqualTo("chat");
			assertThat(last.path("room").asString()).isEqualTo("random");
			assertThat(last.path("username").asString()).isEqualTo("join-ann");
			assertThat(last.path("text").asString()).isEqualTo("before bob");
			assertThat(last.path("timestamp").asLong()).isPositive();
			assertThat(position(joined)).as("the room's position: its newest message").isEqualTo(position(last));
			JsonNode userJoined = ann.awaitType("user_joined");
			assertThat(userJoined.path("room").asString()).isEqualTo("random");
			assertThat(userJoined.path("username").asString()).isEqualTo("join-bob");
			assertThat(userJoined.path("timestamp").asLong()).isPositive();
			bob.assertNoMessage(QUIET);
			assertAnswers(bob);
		}
	}

	@Test
	void historyKeepsTheLastFiftyMessagesOfARoom() {
		try (WsTestClient ann = connect(this.port, "history-ann")) {
			join(ann, "tech");
			for (int i = 1; i <= 55; i++) {
				ann.sendJson(Map.of("type", "chat", "room", "tech", "text", "message " + i));
			}
			assertThat(ann.awaitMessages(55, Duration.ofSeconds(10))).last().asString().contains("message 55");
			try (WsTestClient bob = connect(this.port, "history-bob")) {
				JsonNode history = join(bob, "tech").path("history");
				assertThat(history.size()).isEqualTo(50);
				assertThat(history.get(0).path("text").asString()).isEqualTo("message 6");
				assertThat(history.get(49).path("text").asString()).isEqualTo("message 55");
			}
		}
	}

	@Test
	void chatReachesEveryoneInTheRoomIncludingTheSender() {
		try (WsTestClient ann = connect(this.port, "chat-ann");
				WsTestClient bob = connect(this.port, "chat-bob");
				WsTestClient eve = connect(this.port, "chat-eve")) {
			join(ann, "general");
			join(bob, "general");
			ann.sendJson(Map.of("type", "chat", "room", "general", "text", "hello <b>all</b>"));
			for (WsTestClient client : List.of(ann, bob)) {
				JsonNode chat = client.awaitType("chat");
				assertThat(chat.path("room").asString()).isEqualTo("general");
				assertThat(chat.path("username").asString()).isEqualTo("chat-ann");
				assertThat(chat.path("text").asString()).isEqualTo("hello <b>all</b>");
				assertThat(chat.path("timestamp").asLong()).isPositive();
			}
			eve.assertNoMessage(QUIET);
			assertAnswers(eve);
		}
	}

	@Test
	void chatBeforeJoiningTheRoomIsAnError() {
		try (WsTestClient ann = connect(this.port, "notjoined-ann")) {
			assertThat(ann.sendJsonAndAwait(Map.of("type", "chat", "room", "general", "text", "hi")))
				.hasToString("{\"type\":\"error\",\"error\":\"You must join the room first\"}");
		}
	}

	@Test
	void chatOverTwoThousandCharactersIsAnErrorAndTwoThousandAreFine() {
		try (WsTestClient ann = connect(this.port, "long-ann")) {
			join(ann, "general");
			assertThat(ann.sendJsonAndAwait(Map.of("type", "chat", "room", "general", "text", "x".repeat(2001))))
				.hasToString("{\"type\":\"error\",\"error\":\"Message too long (max 2000 characters)\"}");
			JsonNode chat = ann.sendJsonAndAwait(Map.of("type", "chat", "room", "general", "text", "x".repeat(2000)));
			assertThat(chat.path("type").asString()).isEqualTo("chat");
		}
	}

	@Test
	void leavingARoomTellsTheOthersAndStopsItsMessages() {
		try (WsTestClient ann = connect(this.port, "leave-ann"); WsTestClient bob = connect(this.port, "leave-bob")) {
			join(ann, "random");
			join(bob, "random");
			ann.awaitType("user_joined");
			assertThat(bob.sendJsonAndAwait(Map.of("type", "leave_room", "room", "random")))
				.hasToString("{\"type\":\"room_left\",\"room\":\"random\"}");
			JsonNode left = ann.awaitType("user_left");
			assertThat(left.path("room").asString()).isEqualTo("random");
			assertThat(left.path("username").asString()).isEqualTo("leave-bob");
			assertThat(left.path("timestamp").asLong()).isPositive();
			ann.sendJson(Map.of("type", "chat", "room", "random", "text", "gone?"));
			ann.awaitType("chat");
			bob.assertNoMessage(QUIET);
			assertThat(bob.sendJsonAndAwait(Map.of("type", "chat", "room", "random", "text", "hi"))
				.path("error")
				.asString()).isEqualTo("You must join the room first");
		}
	}

	@Test
	void typingReachesTheOthersOnlyWhenItChanges() {
		try (WsTestClient ann = connect(this.port, "typing-ann"); WsTestClient bob = connect(this.port, "typing-bob")) {
			join(ann, "tech");
			join(bob, "tech");
			for (boolean isTyping : new boolean[] { true, true, true, false, false }) {
				ann.sendJson(Map.of("type", "typing", "room", "tech", "isTyping", isTyping));
			}
			// Not joined: nobody hears about it.
			ann.sendJson(Map.of("type", "typing", "room", "random", "isTyping", true));
			ann.sendJson(Map.of("type", "chat", "room", "tech", "text", "done"));
			List<JsonNode> typing = ofType(receivedUntil(bob, "chat"), "typing");
			assertThat(typing).hasSize(2);
			assertThat(typing.get(0))
				.hasToString("{\"type\":\"typing\",\"room\":\"tech\",\"username\":\"typing-ann\",\"isTyping\":true}");
			assertThat(typing.get(1).path("isTyping").asBoolean()).isFalse();
			assertThat(ofType(receivedUntil(ann, "chat"), "typing")).isEmpty();
		}
	}

	@Test
	void getRoomsListsTheRoomsThisClientJoined() {
		try (WsTestClient ann = connect(this.port, "rooms-ann")) {
			assertThat(ann.sendJsonAndAwait(Map.of("type", "get_rooms")))
				.hasToString("{\"type\":\"room_list\",\"rooms\":[]}");
			join(ann, "tech");
			join(ann, "general");
			assertThat(ann.sendJsonAndAwait(Map.of("type", "get_rooms")))
				.hasToString("{\"type\":\"room_list\",\"rooms\":[\"general\",\"tech\"]}");
		}
	}

	@Test
	void anyValidRoomNameIsCreatedByJoiningIt() {
		String longest = "L".repeat(64);
		try (WsTestClient ann = connect(this.port, "free-ann"); WsTestClient bob = connect(this.port, "free-bob")) {
			for (String room : List.of("Free_room-42", longest, "x")) {
				JsonNode joined = join(ann, room);
				assertThat(joined.path("room").asString()).isEqualTo(room);
				assertThat(joined.path("history").size()).isZero();
				assertThat(joined.path("offset").asLong()).isZero();
			}
			ann.sendJson(Map.of("type", "chat", "room", "Free_room-42", "text", "first words"));
			ann.awaitType("chat");
			JsonNode history = join(bob, "Free_room-42").path("history");
			assertThat(history.valueStream().map((line) -> line.path("text").asString()))
				.containsExactly("first words");
			ann.sendJson(Map.of("type", "get_rooms"));
			assertThat(ann.awaitType("room_list").path("rooms").valueStream().map(JsonNode::asString))
				.containsExactly("Free_room-42", longest, "x");
		}
	}

	@Test
	void joiningARoomWithAnInvalidNameIsAnError() {
		try (WsTestClient ann = connect(this.port, "badname-ann")) {
			for (String room : List.of("", "two words", "L".repeat(65), "room:x", "caf\u00e9", "a/b", "<b>")) {
				assertThat(ann.sendJsonAndAwait(Map.of("type", "join_room", "room", room))).as(room)
					.hasToString("{\"type\":\"error\",\"error\":\"room: must be 1 to 64 letters, digits, - or _\"}");
			}
			assertThat(ann.sendJsonAndAwait(Map.of("type", "get_rooms")))
				.hasToString("{\"type\":\"room_list\",\"rooms\":[]}");
		}
	}

	@Test
	void aUserIsInAtMostTwentyRoomsAtOnce() {
		try (WsTestClient ann = connect(this.port, "cap-ann")) {
			for (int i = 1; i <= 20; i++) {
				join(ann, "cap-" + i);
			}
			assertThat(ann.sendJsonAndAwait(Map.of("type", "join_room", "room", "cap-21")))
				.hasToString("{\"type\":\"error\",\"error\":\"Too many rooms (max 20): leave one first\"}");
			assertThat(join(ann, "cap-7").path("room").asString()).as("joining a room one is in again")
				.isEqualTo("cap-7");
			ann.sendJson(Map.of("type", "leave_room", "room", "cap-1"));
			assertThat(join(ann, "cap-21").path("room").asString()).isEqualTo("cap-21");
			assertThat(ann.sendJsonAndAwait(Map.of("type", "get_rooms")).path("rooms").size()).isEqualTo(20);
		}
	}

	@Test
	void everyChatMessageCarriesItsPositionInTheRoom() {
		try (WsTestClient ann = connect(this.port, "pos-ann"); WsTestClient bob = connect(this.port, "pos-bob")) {
			JsonNode joined = join(ann, "positions");
			join(bob, "positions");
			for (int i = 1; i <= 3; i++) {
				ann.sendJson(Map.of("type", "chat", "room", "positions", "text", "n" + i));
			}
			List<JsonNode> seen = List.of(bob.awaitType("chat"), bob.awaitType("chat"), bob.awaitType("chat"));
			// A fresh room: joining it read its history at offset 0 and kept nothing, so
			// its first message begins the room's epoch.
			assertThat(joined.path("offset").asLong()).isZero();
			assertThat(seen).extracting((chat) -> chat.path("epoch").asString())
				.containsOnly(seen.get(0).path("epoch").asString());
			assertThat(seen).extracting((chat) -> chat.path("offset").asLong()).containsExactly(1L, 2L, 3L);
			assertThat(seen.get(0).path("type").asString()).isEqualTo("chat");
			JsonNode echo = ann.awaitType("chat");
			assertThat(position(echo)).as("the sender's own copy").isEqualTo(position(seen.get(0)));
		}
	}

	@Test
	void aJoinWithSinceGetsExactlyTheMessagesMissedWhileAwayThenLiveOnes() {
		try (WsTestClient ann = connect(this.port, "since-ann")) {
			join(ann, "since");
			JsonNode lastSeen;
			try (WsTestClient bob = connect(this.port, "since-bob")) {
				join(bob, "since");
				say(ann, "since", "seen 1", "seen 2");
				bob.awaitType("chat");
				lastSeen = bob.awaitType("chat");
				assertThat(lastSeen.path("text").asString()).isEqualTo("seen 2");
				bob.abort();
			}
			// Gone, and told: its user_offline is no news to the bob that comes back.
			awaitOnline(1);
			say(ann, "since", "missed 1", "missed 2", "missed 3");
			try (WsTestClient bob = connect(this.port, "since-bob")) {
				JsonNode joined = joinSince(bob, "since", lastSeen);
				assertThat(joined.path("recovered").asBoolean()).isTrue();
				assertThat(joined.path("history").valueStream().map((line) -> line.path("text").asString()))
					.containsExactly("missed 1", "missed 2", "missed 3");
				assertThat(joined.path("history").valueStream().map((line) -> line.path("offset").asLong()))
					.containsExactly(lastSeen.path("offset").asLong() + 1, lastSeen.path("offset").asLong() + 2,
							lastSeen.path("offset").asLong() + 3);
				assertThat(joined.path("epoch").asString()).isEqualTo(lastSeen.path("epoch").asString());
				assertThat(joined.path("offset").asLong()).isEqualTo(lastSeen.path("offset").asLong() + 3);

				say(ann, "since", "live");
				JsonNode live = bob.awaitType("chat");
				assertThat(live.path("text").asString()).isEqualTo("live");
				assertThat(live.path("offset").asLong()).isEqualTo(lastSeen.path("offset").asLong() + 4);
				bob.assertNoMessage(QUIET);

				JsonNode upToDate = joinSince(bob, "since", live);
				assertThat(upToDate.path("recovered").asBoolean()).as("nothing missed").isTrue();
				assertThat(upToDate.path("history").size()).isZero();
			}
		}
	}

	@Test
	void aJoinWithSinceFromAnotherEpochIsNotRecoveredAndGetsTheLatestFifty() {
		try (WsTestClient ann = connect(this.port, "epoch-ann")) {
			join(ann, "epochs");
			for (int i = 1; i <= 55; i++) {
				ann.sendJson(Map.of("type", "chat", "room", "epochs", "text", "message " + i));
			}
			JsonNode last = ann.awaitMessages(55, Duration.ofSeconds(10))
				.stream()
				.map(JsonMapper.shared()::readTree)
				.reduce((first, second) -> second)
				.orElseThrow();
			try (WsTestClient bob = connect(this.port, "epoch-bob")) {
				JsonNode joined = joinSince(bob, "epochs", Map.of("epoch", "gone", "offset", 3));
				assertThat(joined.path("recovered").asBoolean()).isFalse();
				assertThat(joined.path("historyAvailable").asBoolean()).isTrue();
				JsonNode history = joined.path("history");
				assertThat(history.size()).isEqualTo(50);
				assertThat(history.get(0).path("text").asString()).isEqualTo("message 6");
				assertThat(history.get(49).path("text").asString()).isEqualTo("message 55");
				assertThat(position(joined)).as("the current position").isEqualTo(position(last));
			}
		}
	}

	@Test
	void aJoinWithAMalformedSinceIsAnError() {
		try (WsTestClient ann = connect(this.port, "badsince-ann")) {
			assertThat(ann
				.sendJsonAndAwait(
						Map.of("type", "join_room", "room", "general", "since", Map.of("epoch", "a:b", "offset", 1)))
				.path("error")
				.asString()).isEqualTo("since.epoch: must not be empty or contain ':'");
			assertThat(ann
				.sendJsonAndAwait(
						Map.of("type", "join_room", "room", "general", "since", Map.of("epoch", "e", "offset", -1)))
				.path("error")
				.asString()).startsWith("since.offset: ");
		}
	}

	@Test
	void directMessagesReachOnlyTheTarget() {
		try (WsTestClient ann = connect(this.port, "dm-ann");
				WsTestClient bob = connect(this.port, "dm-bob");
				WsTestClient eve = connect(this.port, "dm-eve")) {
			String annId = idOf(ann);
			String bobId = idOf(bob);
			ann.awaitType("user_online");
			ann.awaitType("user_online");
			bob.awaitType("user_online");
			ann.sendJson(Map.of("type", "direct_message", "targetUserId", bobId, "content", "psst"));
			JsonNode dm = bob.awaitType("direct_message");
			assertThat(dm.path("fromUserId").asString()).isEqualTo(annId);
			assertThat(dm.path("fromUsername").asString()).isEqualTo("dm-ann");
			assertThat(dm.path("content").asString()).isEqualTo("psst");
			assertThat(dm.path("timestamp").asLong()).isPositive();
			ann.assertNoMessage(QUIET);
			eve.assertNoMessage(QUIET);
			assertAnswers(ann);
			assertAnswers(eve);
		}
	}

	@Test
	void statusChangesReachEveryoneAndShowInPresence() throws Exception {
		try (WsTestClient ann = connect(this.port, "status-ann"); WsTestClient bob = connect(this.port, "status-bob")) {
			String annId = idOf(ann);
			// Bob's arrival may reach Ann after her own status change: consume it first.
			ann.awaitType("user_online");
			ann.sendJson(Map.of("type", "status_change", "status", "away"));
			String expected = "{\"type\":\"status_changed\",\"userId\":\"" + annId + "\",\"status\":\"away\"}";
			assertThat(ann.awaitType("status_changed")).hasToString(expected);
			assertThat(bob.awaitType("status_changed")).hasToString(expected);
			JsonNode users = getJson("/api/presence");
			assertThat(users.valueStream().filter((user) -> user.path("userId").asString().equals(annId)))
				.singleElement()
				.satisfies((user) -> assertThat(user.path("status").asString()).isEqualTo("away"));
			// awaitType: presence news (bob's user_online) may still be on its way to ann
			ann.sendJson(Map.of("type", "status_change", "status", "asleep"));
			assertThat(ann.awaitType("error").path("error").asString()).contains("status");
		}
	}

	@Test
	void pingAndHeartbeatAreAnswered() {
		try (WsTestClient ann = connect(this.port, "ping-ann")) {
			JsonNode pong = ann.sendJsonAndAwait(Map.of("type", "ping"));
			assertThat(pong.path("type").asString()).isEqualTo("pong");
			assertThat(pong.path("timestamp").asLong()).isPositive();
			assertThat(ann.sendJsonAndAwait(Map.of("type", "heartbeat"))).hasToString("{\"type\":\"heartbeat_ack\"}");
		}
	}

	@Test
	void binaryFramesAreAcknowledgedWithTheirSize() {
		try (WsTestClient ann = connect(this.port, "binary-ann")) {
			ann.sendBinary(new byte[1234]);
			// awaitType: an earlier test's user_offline may still be on its way to ann
			JsonNode received = ann.awaitType("binary_received");
			assertThat(received.path("size").asInt()).isEqualTo(1234);
			assertThat(received.path("timestamp").asLong()).isPositive();
		}
	}

	@Test
	void invalidJsonAndUnknownTypesAreErrors() {
		try (WsTestClient ann = connect(this.port, "invalid-ann")) {
			assertThat(ann.sendAndAwait("{not json")).isEqualTo("{\"type\":\"error\",\"error\":\"Invalid JSON\"}");
			assertThat(ann.sendAndAwait("{\"type\":\"dance\"}"))
				.isEqualTo("{\"type\":\"error\",\"error\":\"Unknown message type\"}");
			assertThat(ann.sendAndAwait("[1,2]")).isEqualTo("{\"type\":\"error\",\"error\":\"Unknown message type\"}");
			assertThat(ann.isOpen()).isTrue();
		}
	}

	@Test
	void closingTellsTheRoomsAndEveryoneThatTheUserIsGone() {
		try (WsTestClient ann = connect(this.port, "close-ann");
				WsTestClient eve = connect(this.port, "close-eve");
				WsTestClient bob = connect(this.port, "close-bob")) {
			String bobId = idOf(bob);
			join(ann, "general");
			join(bob, "general");
			join(bob, "tech");
			ann.awaitType("user_joined");
			bob.close();
			JsonNode left = ann.awaitType("user_left");
			assertThat(left.path("room").asString()).isEqualTo("general");
			assertThat(left.path("username").asString()).isEqualTo("close-bob");
			assertThat(ann.awaitType("user_offline"))
				.hasToString("{\"type\":\"user_offline\",\"userId\":\"" + bobId + "\"}");
			assertThat(eve.awaitType("user_offline").path("userId").asString()).isEqualTo(bobId);
		}
	}

	@Test
	void messagesOverTheConfiguredPayloadLimitCloseTheConnection() {
		try (WsTestClient ann = connect(this.port, "big-ann")) {
			ann.send("x".repeat(65 * 1024));
			assertThat(ann.awaitClose().code()).isEqualTo(1009);
		}
	}

	@Test
	void healthCountsTheOpenConnections() throws Exception {
		int before = getJson("/health").path("connections").asInt();
		try (WsTestClient ann = connect(this.port, "health-ann")) {
			JsonNode health = getJson("/health");
			assertThat(health.path("status").asString()).isEqualTo("healthy");
			assertThat(health.path("connections").asInt()).isEqualTo(before + 1);
		}
	}

	@Test
	void presenceAndRoomHistoryAreServedOverHttp() throws Exception {
		try (WsTestClient ann = connect(this.port, "http-ann")) {
			String annId = idOf(ann);
			join(ann, "general");
			ann.sendJson(Map.of("type", "chat", "room", "general", "text", "over http"));
			ann.awaitType("chat");
			JsonNode users = getJson("/api/presence");
			assertThat(users.valueStream().map((user) -> user.path("userId").asString())).contains(annId);
			JsonNode history = getJson("/api/rooms/general/history");
			JsonNode last = history.get(history.size() - 1);
			assertThat(last.path("username").asString()).isEqualTo("http-ann");
			assertThat(last.path("text").asString()).isEqualTo("over http");
			assertThat(last.path("offset").asLong()).isPositive();
			assertThat(getJson("/api/rooms/never-joined/history").size()).isZero();
			assertThat(get("/api/rooms/no%20such%20room/history").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void requestStyleMessagesAnswerWithTheRequestsId() {
		try (WsTestClient ann = connect(this.port, "id-ann")) {
			JsonNode joined = ann.sendJsonAndAwait(Map.of("type", "join_room", "room", "ids", "id", "j1"));
			assertThat(joined.path("type").asString()).isEqualTo("room_joined");
			assertThat(joined.path("id").asString()).isEqualTo("j1");
			assertThat(ann.sendJsonAndAwait(Map.of("type", "get_rooms", "id", 2)))
				.hasToString("{\"type\":\"room_list\",\"rooms\":[\"ids\"],\"id\":2}");
			assertThat(ann.sendJsonAndAwait(Map.of("type", "leave_room", "room", "ids", "id", "l3")))
				.hasToString("{\"type\":\"room_left\",\"room\":\"ids\",\"id\":\"l3\"}");
			assertThat(ann.sendJsonAndAwait(Map.of("type", "join_room", "room", "no way", "id", "j4"))).hasToString(
					"{\"type\":\"error\",\"error\":\"room: must be 1 to 64 letters, digits, - or _\",\"id\":\"j4\"}");
		}
	}

	@Test
	void thePageLearnsTheModeAndTheHeartbeatFromItsConfiguration() throws Exception {
		JsonNode config = getJson("/api/config");
		assertThat(config.path("jwt").asBoolean()).isFalse();
		assertThat(config.path("heartbeatInterval").asLong()).isEqualTo(3_600_000);
		assertThat(config.path("heartbeatTimeout").asLong()).isEqualTo(10_000);
	}

	@Test
	void theChatPageIsServedAtTheRoot() throws Exception {
		HttpResponse<String> page = get("/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
	}

	private static void say(WsTestClient client, String room, String... texts) {
		for (String text : texts) {
			client.sendJson(Map.of("type", "chat", "room", room, "text", text));
		}
	}

	/**
	 * Joins with {@code since}: the position of a chat message, or a map with an epoch
	 * and an offset.
	 */
	private static JsonNode joinSince(WsTestClient client, String room, Object since) {
		Object position = (since instanceof JsonNode chat)
				? Map.of("epoch", chat.path("epoch").asString(), "offset", chat.path("offset").asLong()) : since;
		client.sendJson(Map.of("type", "join_room", "room", room, "since", position));
		return client.awaitType("room_joined");
	}

	private static String position(JsonNode message) {
		assertThat(message.path("epoch").asString()).as("epoch of " + message).isNotBlank();
		assertThat(message.path("offset").isNumber()).as("offset of " + message).isTrue();
		return message.path("epoch").asString() + ":" + message.path("offset").asLong();
	}

	private JsonNode getJson(String path) throws Exception {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).isEqualTo(200);
		return JsonMapper.shared().readTree(response.body());
	}

	private HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
