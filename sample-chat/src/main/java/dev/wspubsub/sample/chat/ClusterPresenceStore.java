package dev.wspubsub.sample.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.spi.PresenceRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Presence shared by every node (profile {@code redis}), on the starter's
 * {@link PresenceRegistry}: with the Redis fan-out it lives in Redis, each node keeps its
 * own users' entries alive, and the users of a node that crashed expire with it.
 */
@Component
@Profile("redis")
class ClusterPresenceStore implements PresenceStore {

	private final PresenceRegistry registry;

	private final JsonMapper json;

	/** The users connected to this node: a status change rewrites the whole entry. */
	private final Map<String, PresenceUser> local = new ConcurrentHashMap<>();

	ClusterPresenceStore(PresenceRegistry registry, JsonMapper json) {
		this.registry = registry;
		this.json = json;
	}

	@Override
	public Mono<Void> online(PresenceUser user) {
		return Mono.defer(() -> {
			this.local.put(user.userId(), user);
			return write(user);
		});
	}

	@Override
	public Mono<Void> offline(String userId) {
		return Mono.defer(() -> {
			this.local.remove(userId);
			return this.registry.leave(ChatEndpoint.PRESENCE, userId);
		});
	}

	@Override
	public Mono<Void> status(String userId, String status) {
		return Mono.defer(() -> {
			PresenceUser user = this.local.computeIfPresent(userId,
					(id, online) -> online.withStatus(status, System.currentTimeMillis()));
			return (user != null) ? write(user) : Mono.empty();
		});
	}

	@Override
	public Mono<List<PresenceUser>> users() {
		return this.registry.members(ChatEndpoint.PRESENCE)
			.map((members) -> members.values()
				.stream()
				.map((entry) -> this.json.readValue(entry, PresenceUser.class))
				.sorted(PresenceUser.BY_NAME)
				.toList());
	}

	private Mono<Void> write(PresenceUser user) {
		return this.registry.join(ChatEndpoint.PRESENCE, user.userId(), this.json.writeValueAsString(user));
	}

}
