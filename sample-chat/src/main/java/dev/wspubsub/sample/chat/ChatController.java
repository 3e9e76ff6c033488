package dev.wspubsub.sample.chat;

import java.util.List;

import dev.wspubsub.WsServer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The chat's HTTP side: the page's configuration, health, who is online, and a room's
 * history.
 */
@RestController
class ChatController {

	private final WsServer server;

	private final RoomHistory history;

	private final PresenceStore presence;

	private final ClusterStatusNotice cluster;

	private final PageConfig config;

	ChatController(WsServer server, RoomHistory history, PresenceStore presence, ClusterStatusNotice cluster,
			ChatProperties properties) {
		this.server = server;
		this.history = history;
		this.presence = presence;
		this.cluster = cluster;
		this.config = new PageConfig(StringUtils.hasText(properties.auth().jwtSecret()),
				properties.heartbeat().interval().toMillis(), properties.heartbeat().timeout().toMillis());
	}

	/**
	 * What the page needs to know before it connects: whether to log in with a token, and
	 * how often it is pinged.
	 */
	@GetMapping("/api/config")
	PageConfig config() {
		return this.config;
	}

	/**
	 * {@code degraded} while the other servers cannot be reached: this node still serves
	 * its own users.
	 */
	@GetMapping("/health")
	Health health() {
		return new Health(this.cluster.isAvailable() ? "healthy" : "degraded", this.server.connections());
	}

	@GetMapping("/api/presence")
	Mono<List<PresenceUser>> presence() {
		return this.presence.users();
	}

	@GetMapping("/api/rooms/{room}/history")
	Mono<List<JsonNode>> history(@PathVariable String room) {
		if (!room.matches(ClientMessage.ROOM_NAME)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No such room");
		}
		return this.history.latest(room)
			.switchIfEmpty(Mono
				.error(() -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "History is unavailable")));
	}

	record Health(String status, int connections) {
	}

	/**
	 * @param jwt whether the page gets a token from {@code POST /api/token} and connects
	 * with it
	 * @param heartbeatInterval milliseconds between the server's pings
	 * @param heartbeatTimeout milliseconds the server waits for the answer
	 */
	record PageConfig(boolean jwt, long heartbeatInterval, long heartbeatTimeout) {
	}

}
