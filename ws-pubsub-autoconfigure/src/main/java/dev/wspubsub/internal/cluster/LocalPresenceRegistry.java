package dev.wspubsub.internal.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.spi.PresenceRegistry;
import reactor.core.publisher.Mono;

/** Presence on a single node: the node's own entries, in memory. */
public final class LocalPresenceRegistry implements PresenceRegistry {

	private final Map<String, Map<String, String>> topics = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> join(String topic, String id, String info) {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(info, "info");
		return Mono.fromRunnable(() -> this.topics.compute(topic, (key, existing) -> {
			Map<String, String> members = (existing != null) ? existing : new ConcurrentHashMap<>();
			members.put(id, info);
			return members;
		}));
	}

	@Override
	public Mono<Void> leave(String topic, String id) {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(id, "id");
		return Mono.fromRunnable(() -> this.topics.computeIfPresent(topic, (key, members) -> {
			members.remove(id);
			return members.isEmpty() ? null : members;
		}));
	}

	@Override
	public Mono<Map<String, String>> members(String topic) {
		Objects.requireNonNull(topic, "topic");
		return Mono.fromSupplier(() -> Map.copyOf(this.topics.getOrDefault(topic, Map.of())));
	}

}
