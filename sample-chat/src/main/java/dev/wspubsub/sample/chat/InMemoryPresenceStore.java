package dev.wspubsub.sample.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** Presence kept in this node's memory: sees the users of this node only. */
@Component
@Profile("!redis")
class InMemoryPresenceStore implements PresenceStore {

	private final Map<String, PresenceUser> users = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> online(PresenceUser user) {
		return Mono.fromRunnable(() -> this.users.put(user.userId(), user));
	}

	@Override
	public Mono<Void> offline(String userId) {
		return Mono.fromRunnable(() -> this.users.remove(userId));
	}

	@Override
	public Mono<Void> status(String userId, String status) {
		return Mono.fromRunnable(() -> this.users.computeIfPresent(userId,
				(id, user) -> user.withStatus(status, System.currentTimeMillis())));
	}

	@Override
	public Mono<List<PresenceUser>> users() {
		return Mono.fromSupplier(() -> this.users.values().stream().sorted(PresenceUser.BY_NAME).toList());
	}

}
