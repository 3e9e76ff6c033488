package dev.wspubsub.sample.chat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.test.WsTestClient;
import tools.jackson.databind.JsonNode;

/** Connects test users to the chat and reads what they receive. */
final class ChatClients {

	/** Each connected client's user id, from its welcome. */
	private static final Map<WsTestClient, String> ids = new ConcurrentHashMap<>();

	private ChatClients() {
	}

	static URI uri(int port, String username) {
		return URI
			.create("ws://localhost:" + port + "/ws?username=" + URLEncoder.encode(username, StandardCharsets.UTF_8));
	}

	/** Connects and consumes the welcome and the presence list. */
	static WsTestClient connect(int port, String username) {
		WsTestClient client = WsTestClient.connect(uri(port, username));
		ids.put(client, client.awaitType("welcome").path("clientId").asString());
		client.awaitType("presence_list");
		return client;
	}

	/** The user id of a client connected with {@link #connect(int, String)}. */
	static String idOf(WsTestClient client) {
		return ids.get(client);
	}

	/** Joins a room and consumes the {@code room_joined} reply. */
	static JsonNode join(WsTestClient client, String room) {
		client.sendJson(Map.of("type", "join_room", "room", room));
		return client.awaitType("room_joined");
	}

	/**
	 * A round trip after a check that nothing arrived: the connection is open and the
	 * server still answers it.
	 */
	static void assertAnswers(WsTestClient client) {
		client.sendJson(Map.of("type", "get_rooms"));
		client.awaitType("room_list");
	}

	/** The JSON messages received up to and including the first of {@code type}. */
	static List<JsonNode> receivedUntil(WsTestClient client, String type) {
		List<JsonNode> received = new ArrayList<>();
		JsonNode message;
		do {
			message = client.awaitJson();
			received.add(message);
		}
		while (!type.equals(message.path("type").asString()));
		return received;
	}

	static List<JsonNode> ofType(List<JsonNode> messages, String type) {
		return messages.stream().filter((message) -> type.equals(message.path("type").asString())).toList();
	}

}
