package dev.wspubsub.sample.chat;

import java.util.List;

import dev.wspubsub.WsServer;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The chat's HTTP side: health, who is online, and a room's history. */
@RestController
class ChatController {

	private final WsServer server;

	private final ChatHistory history;

	private final PresenceStore presence;

	private final ChatProperties properties;

	private final ClusterStatusNotice cluster;

	ChatController(WsServer server, ChatHistory history, PresenceStore presence, ChatProperties properties,
			ClusterStatusNotice cluster) {
		this.server = server;
		this.history = history;
		this.presence = presence;
		this.properties = properties;
		this.cluster = cluster;
	}

	/** {@code degraded} while the other servers cannot be reached: this node still serves its own users. */
	@GetMapping("/health")
	Health health() {
		return new Health(this.cluster.isAvailable() ? "healthy" : "degraded", this.server.connections());
	}

	@GetMapping("/api/presence")
	Mono<List<PresenceUser>> presence() {
		return this.presence.users();
	}

	@GetMapping("/api/rooms/{room}/history")
	Mono<List<ChatLine>> history(@PathVariable String room) {
		if (!this.properties.rooms().contains(room)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Unknown room");
		}
		return this.history.recent(room);
	}

	record Health(String status, int connections) {
	}
}
