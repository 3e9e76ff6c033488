package dev.wspubsub.sample.chat;

import java.util.Collections;
import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.core.ReactiveListOperations;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * History in Redis, shared by every node (profile {@code redis}): a list per room,
 * {@code chat:history:<room>}, newest first and trimmed to {@link #LIMIT}.
 */
@Component
@Profile("redis")
class RedisChatHistory implements ChatHistory {

	private final ReactiveListOperations<String, String> lists;

	private final JsonMapper json;

	RedisChatHistory(ReactiveStringRedisTemplate redis, JsonMapper json) {
		this.lists = redis.opsForList();
		this.json = json;
	}

	@Override
	public Mono<Void> add(String room, ChatLine line) {
		String key = key(room);
		return Mono.fromCallable(() -> this.json.writeValueAsString(line))
			.flatMap((value) -> this.lists.leftPush(key, value))
			.then(this.lists.trim(key, 0, LIMIT - 1))
			.then();
	}

	@Override
	public Mono<List<ChatLine>> recent(String room) {
		return this.lists.range(key(room), 0, LIMIT - 1)
			.map((value) -> this.json.readValue(value, ChatLine.class))
			.collectList()
			.map((newestFirst) -> {
				Collections.reverse(newestFirst);
				return newestFirst;
			});
	}

	private static String key(String room) {
		return "chat:history:" + room;
	}
}
