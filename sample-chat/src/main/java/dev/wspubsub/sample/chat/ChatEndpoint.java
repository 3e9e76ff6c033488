package dev.wspubsub.sample.chat;

import java.util.UUID;

import dev.wspubsub.InvalidMessageException;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnClose;
import dev.wspubsub.annotation.OnError;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnTopicReset;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.sample.chat.ServerMessage.BinaryReceived;
import dev.wspubsub.sample.chat.ServerMessage.ErrorReply;
import dev.wspubsub.sample.chat.ServerMessage.HeartbeatAck;
import dev.wspubsub.sample.chat.ServerMessage.Pong;
import dev.wspubsub.sample.chat.ServerMessage.PresenceList;
import dev.wspubsub.sample.chat.ServerMessage.RoomJoined;
import dev.wspubsub.sample.chat.ServerMessage.RoomLeft;
import dev.wspubsub.sample.chat.ServerMessage.RoomList;
import dev.wspubsub.sample.chat.ServerMessage.RoomReset;
import dev.wspubsub.sample.chat.ServerMessage.StatusChanged;
import dev.wspubsub.sample.chat.ServerMessage.UserJoined;
import dev.wspubsub.sample.chat.ServerMessage.UserLeft;
import dev.wspubsub.sample.chat.ServerMessage.UserOffline;
import dev.wspubsub.sample.chat.ServerMessage.UserOnline;
import dev.wspubsub.sample.chat.ServerMessage.Welcome;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The chat protocol. Each room is two topics: {@code room:<name>} carries its chat
 * messages and keeps them as the room's history, {@code room-events:<name>} carries who
 * joins, leaves and types, which no one needs replayed. Each user's inbox is the topic
 * {@code user:<userId>}, and presence news the topic {@code presence}.
 */
@WsEndpoint("/ws")
class ChatEndpoint {

	/** What a room's topic name starts with. */
	static final String ROOM_PREFIX = "room:";

	static final String PRESENCE = "presence";

	static final int MAX_TEXT = 2000;

	private final WsServer server;

	private final RoomHistory history;

	private final PresenceStore presence;

	private final ChatProperties properties;

	private final ClusterStatusNotice cluster;

	ChatEndpoint(WsServer server, RoomHistory history, PresenceStore presence, ChatProperties properties,
			ClusterStatusNotice cluster) {
		this.server = server;
		this.history = history;
		this.presence = presence;
		this.properties = properties;
		this.cluster = cluster;
	}

	/**
	 * In the JWT mode Spring Security has checked the token before this runs, and the
	 * name is its subject; an open chat takes the name the client asks for.
	 */
	@OnUpgrade
	ChatUser upgrade(UpgradeRequest request, @Nullable Jwt token) {
		String username = (token != null) ? token.getSubject()
				: request.queryParam("username")
					.map(String::strip)
					.filter((name) -> !name.isEmpty())
					.orElseThrow(() -> new UpgradeRejectedException(400, "Username required"));
		return new ChatUser(UUID.randomUUID().toString(), username);
	}

	@OnOpen
	Mono<PresenceList> open(WsSession<ChatUser> ws) {
		ChatUser user = ws.data();
		PresenceUser me = new PresenceUser(user.userId(), user.username(), "online", now());
		ws.subscribe(PRESENCE);
		ws.subscribe(user.inbox());
		ws.send(new Welcome(user.userId(), user.username(), this.properties.rooms()));
		this.cluster.tellIfUnavailable(ws);
		return this.presence.online(me)
			.then(Mono.fromRunnable(() -> ws.publish(PRESENCE, new UserOnline(me))))
			.then(this.presence.users())
			.map(PresenceList::new);
	}

	/**
	 * Joining creates the room if need be. The reply, {@code room_joined}, is completed
	 * by the subscribe's callback: the callback runs before any live message of the room
	 * reaches the client, and the reply is sent as it completes, inside the callback, so
	 * the history it carries (what the joiner missed since {@code since}, or the latest
	 * messages) comes first, and none twice. Being the return value, it carries the
	 * request's {@code id}.
	 */
	@OnMessage("join_room")
	Mono<RoomJoined> join(WsSession<ChatUser> ws, @Valid ClientMessage.JoinRoom msg) {
		String room = msg.room();
		ChatUser user = ws.data();
		int max = this.properties.maxRoomsPerUser();
		if (!user.isIn(room) && user.roomCount() >= max) {
			throw new InvalidMessageException("Too many rooms (max " + max + "): leave one first");
		}
		Sinks.One<RoomJoined> joined = Sinks.one();
		if (!ws.subscribe(topic(room), msg.sincePosition(), RoomHistory.LATEST,
				(recovery) -> joined.tryEmitValue(this.history.joined(room, recovery)))) {
			return Mono.empty(); // closing: nobody to answer
		}
		if (user.joined(room)) {
			ws.subscribe(events(room));
			ws.publish(events(room), new UserJoined(room, user.username(), now()));
		}
		return joined.asMono();
	}

	@OnMessage("leave_room")
	RoomLeft leave(WsSession<ChatUser> ws, @Valid ClientMessage.LeaveRoom msg) {
		if (ws.data().left(msg.room())) {
			ws.unsubscribe(topic(msg.room()));
			ws.unsubscribe(events(msg.room()));
			ws.publish(events(msg.room()), new UserLeft(msg.room(), ws.data().username(), now()));
		}
		return new RoomLeft(msg.room());
	}

	@OnMessage("chat")
	void chat(WsSession<ChatUser> ws, @Valid ClientMessage.Chat msg) {
		if (!ws.data().isIn(msg.room())) {
			throw new InvalidMessageException("You must join the room first");
		}
		if (msg.text().length() > MAX_TEXT) {
			throw new InvalidMessageException("Message too long (max " + MAX_TEXT + " characters)");
		}
		// server.publish, not ws.publish: the sender sees its own message come back, as
		// everyone else does.
		// The room's history keeps it and stamps it with its position.
		this.server.publish(topic(msg.room()),
				new ServerMessage.Chat(msg.room(), ws.data().username(), msg.text(), now()));
	}

	@OnMessage("typing")
	void typing(WsSession<ChatUser> ws, @Valid ClientMessage.Typing msg) {
		if (ws.data().isIn(msg.room()) && ws.data().typing(msg.room(), msg.isTyping())) {
			ws.publish(events(msg.room()), new ServerMessage.Typing(msg.room(), ws.data().username(), msg.isTyping()));
		}
	}

	@OnMessage("get_rooms")
	RoomList rooms(WsSession<ChatUser> ws) {
		return new RoomList(ws.data().rooms());
	}

	@OnMessage("direct_message")
	void direct(WsSession<ChatUser> ws, @Valid ClientMessage.DirectMessage msg) {
		ChatUser from = ws.data();
		// The server delivers: clients may not publish to inboxes (ChatSecurity). Not
		// echoed to the sender.
		if (!msg.targetUserId().equals(from.userId())) {
			this.server.publish(ChatUser.inbox(msg.targetUserId()),
					new ServerMessage.DirectMessage(from.userId(), from.username(), msg.content(), now()));
		}
	}

	@OnMessage("status_change")
	Mono<Void> status(WsSession<ChatUser> ws, @Valid ClientMessage.StatusChange msg) {
		String userId = ws.data().userId();
		return this.presence.status(userId, msg.status())
			.then(Mono.fromRunnable(() -> this.server.publish(PRESENCE, new StatusChanged(userId, msg.status()))));
	}

	@OnMessage("ping")
	Pong ping() {
		return new Pong(now());
	}

	@OnMessage("heartbeat")
	HeartbeatAck heartbeat() {
		return new HeartbeatAck();
	}

	/** The answer to {@link Heartbeat}'s ping. */
	@OnMessage("pong")
	void pong(WsSession<ChatUser> ws) {
		ws.data().ponged();
	}

	@OnMessage
	BinaryReceived binary(byte[] data) {
		return new BinaryReceived(data.length, now());
	}

	@OnError
	ErrorReply invalid(InvalidMessageException ex) {
		// The starter names the unknown type; this protocol's clients expect the bare
		// sentence.
		String error = String.valueOf(ex.getMessage());
		return new ErrorReply(error.startsWith("Unknown message type") ? "Unknown message type" : error);
	}

	/**
	 * What a room's pages get when the servers cannot repair a gap in it: the page
	 * reloads the room's history and goes on from the position.
	 */
	@OnTopicReset
	RoomReset roomReset(String topic, StreamPosition current) {
		String room = topic.startsWith(ROOM_PREFIX) ? topic.substring(ROOM_PREFIX.length()) : topic;
		return new RoomReset(room, current.epoch(), current.offset());
	}

	@OnClose
	Mono<Void> close(WsSession<ChatUser> ws) {
		ChatUser user = ws.data();
		// The connection has left its topics already, so everyone left is told, through
		// the server.
		user.rooms().forEach((room) -> this.server.publish(events(room), new UserLeft(room, user.username(), now())));
		return this.presence.offline(user.userId())
			.then(Mono.fromRunnable(() -> this.server.publish(PRESENCE, new UserOffline(user.userId()))));
	}

	/** The room's chat messages, with history ({@code ws-pubsub.history.topics}). */
	static String topic(String room) {
		return ROOM_PREFIX + room;
	}

	/** The room's joins, leaves and typing: not part of its history. */
	static String events(String room) {
		return "room-events:" + room;
	}

	private static long now() {
		return System.currentTimeMillis();
	}

}
