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

	ChatController(WsServer server, ChatHistory history, PresenceStore presence, ChatProperties properties) {
		this.server = server;
		this.history = history;
		this.presence = presence;
		this.properties = properties;
	}

	@GetMapping("/health")
	Health health() {
		return new Health("healthy", this.server.connections());
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
