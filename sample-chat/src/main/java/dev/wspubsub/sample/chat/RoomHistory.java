package dev.wspubsub.sample.chat;

import java.util.List;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.sample.chat.ServerMessage.RoomJoined;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * A room's history is its topic's ({@code ws-pubsub.history.topics}): the room's chat
 * messages exactly as its people received them, {@code epoch} and {@code offset}
 * included.
 */
@Component
class RoomHistory {

	/**
	 * How many of a room's messages a join without a position, or one too old to resume,
	 * gets.
	 */
	static final int LATEST = 50;

	private final WsServer server;

	private final JsonMapper json;

	RoomHistory(WsServer server, JsonMapper json) {
		this.server = server;
		this.json = json;
	}

	/**
	 * The reply to a join: what the joiner missed, or the latest messages; empty when the
	 * history could not be read.
	 */
	RoomJoined joined(String room, Recovery recovery) {
		StreamPosition position = recovery.position();
		if (position == null) {
			return new RoomJoined(room, List.of(), false, false, null, null);
		}
		return new RoomJoined(room, messages(recovery.publications()), true, recovery.recovered(), position.epoch(),
				position.offset());
	}

	/**
	 * The room's latest messages, oldest first; empty when the history could not be read.
	 */
	Mono<List<JsonNode>> latest(String room) {
		return this.server.history(ChatEndpoint.topic(room), LATEST).map(this::messages);
	}

	private List<JsonNode> messages(List<Publication> publications) {
		return publications.stream().map((publication) -> this.json.readTree(publication.asText())).toList();
	}

}
