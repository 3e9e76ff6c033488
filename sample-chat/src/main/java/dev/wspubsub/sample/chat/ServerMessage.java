package dev.wspubsub.sample.chat;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** What the server sends: Jackson writes each record with its {@code "type"} first. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
sealed interface ServerMessage {

	@JsonTypeName("welcome")
	record Welcome(String clientId, String username, List<String> availableRooms) implements ServerMessage {
	}

	@JsonTypeName("presence_list")
	record PresenceList(List<PresenceUser> users) implements ServerMessage {
	}

	@JsonTypeName("user_online")
	record UserOnline(PresenceUser user) implements ServerMessage {
	}

	@JsonTypeName("user_offline")
	record UserOffline(String userId) implements ServerMessage {
	}

	@JsonTypeName("status_changed")
	record StatusChanged(String userId, String status) implements ServerMessage {
	}

	/**
	 * {@code history} holds the room's {@code chat} messages: exactly those after the
	 * join's {@code since} when {@code recovered}, otherwise the latest ones.
	 * {@code epoch} and {@code offset} are the room's position, the newest message
	 * accounted for. When the history could not be read, {@code historyAvailable} is
	 * false, {@code history} empty and there is no position.
	 */
	@JsonTypeName("room_joined")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RoomJoined(String room, List<JsonNode> history, boolean historyAvailable, boolean recovered,
			@Nullable String epoch, @Nullable Long offset) implements ServerMessage {
	}

	/** The answer to {@code leave_room}, whether or not the client was in the room. */
	@JsonTypeName("room_left")
	record RoomLeft(String room) implements ServerMessage {
	}

	@JsonTypeName("user_joined")
	record UserJoined(String room, String username, long timestamp) implements ServerMessage {
	}

	@JsonTypeName("user_left")
	record UserLeft(String room, String username, long timestamp) implements ServerMessage {
	}

	/**
	 * Published to the room's topic, whose history adds {@code epoch} and {@code offset}
	 * as its first fields.
	 */
	@JsonTypeName("chat")
	record Chat(String room, String username, String text, long timestamp) implements ServerMessage {
	}

	@JsonTypeName("typing")
	record Typing(String room, String username, boolean isTyping) implements ServerMessage {
	}

	@JsonTypeName("room_list")
	record RoomList(List<String> rooms) implements ServerMessage {
	}

	@JsonTypeName("direct_message")
	record DirectMessage(String fromUserId, String fromUsername, String content,
			long timestamp) implements ServerMessage {
	}

	@JsonTypeName("ping")
	record Ping(long timestamp) implements ServerMessage {
	}

	@JsonTypeName("pong")
	record Pong(long timestamp) implements ServerMessage {
	}

	@JsonTypeName("heartbeat_ack")
	record HeartbeatAck() implements ServerMessage {
	}

	@JsonTypeName("binary_received")
	record BinaryReceived(int size, long timestamp) implements ServerMessage {
	}

	@JsonTypeName("error")
	record ErrorReply(String error) implements ServerMessage {
	}

	/**
	 * Whether the other servers (and the shared history) can be reached; sent when that
	 * changes.
	 */
	@JsonTypeName("cluster_status")
	record ClusterStatus(boolean available, String message) implements ServerMessage {
	}

	/**
	 * The room's history continues from this position, but this page may have missed what
	 * came before it (the servers could not repair a gap): reload the room.
	 */
	@JsonTypeName("room_reset")
	record RoomReset(String room, String epoch, long offset) implements ServerMessage {
	}

}
