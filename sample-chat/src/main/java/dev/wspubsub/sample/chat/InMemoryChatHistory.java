package dev.wspubsub.sample.chat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** History kept in this node's memory: enough for one node, lost on restart. */
@Component
@Profile("!redis")
class InMemoryChatHistory implements ChatHistory {

	private final Map<String, Deque<ChatLine>> rooms = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> add(String room, ChatLine line) {
		return Mono.fromRunnable(() -> {
			Deque<ChatLine> lines = this.rooms.computeIfAbsent(room, (key) -> new ArrayDeque<>());
			synchronized (lines) {
				lines.addLast(line);
				if (lines.size() > LIMIT) {
					lines.removeFirst();
				}
			}
		});
	}

	@Override
	public Mono<List<ChatLine>> recent(String room) {
		return Mono.fromSupplier(() -> {
			Deque<ChatLine> lines = this.rooms.get(room);
			if (lines == null) {
				return List.of();
			}
			synchronized (lines) {
				return List.copyOf(lines);
			}
		});
	}
}
