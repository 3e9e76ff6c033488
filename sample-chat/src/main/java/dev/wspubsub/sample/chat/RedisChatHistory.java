package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.core.ReactiveListOperations;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * History in Redis, shared by every node (profile {@code redis}): a list per room,
 * {@code chat:history:<room>}, newest first and trimmed to {@link #LIMIT}. No call waits
 * on Redis longer than {@code ws-pubsub.fanout.redis.command-timeout}: a connection's
 * messages are handled in order, so one unanswered command would hold up the rest. While
 * Redis is unreachable, messages are not stored and reading fails with
 * {@link HistoryUnavailableException}.
 */
@Component
@Profile("redis")
class RedisChatHistory implements ChatHistory {

	private static final Log logger = LogFactory.getLog(RedisChatHistory.class);

	private final ReactiveListOperations<String, String> lists;

	private final JsonMapper json;

	private final Duration timeout;

	RedisChatHistory(ReactiveStringRedisTemplate redis, JsonMapper json,
			@Value("${ws-pubsub.fanout.redis.command-timeout:1s}") Duration timeout) {
		this.lists = redis.opsForList();
		this.json = json;
		this.timeout = timeout;
	}

	@Override
	public Mono<Void> add(String room, ChatLine line) {
		String key = key(room);
		return Mono.fromCallable(() -> this.json.writeValueAsString(line))
			.flatMap((value) -> this.lists.leftPush(key, value))
			.then(this.lists.trim(key, 0, LIMIT - 1))
			.timeout(this.timeout)
			.then()
			.onErrorResume((ex) -> {
				logger.debug("A chat line was not kept in the history: " + ex);
				return Mono.empty();
			});
	}

	@Override
	public Mono<List<ChatLine>> recent(String room) {
		return this.lists.range(key(room), 0, LIMIT - 1)
			.map((value) -> this.json.readValue(value, ChatLine.class))
			.collectList()
			.timeout(this.timeout)
			.onErrorMap((ex) -> new HistoryUnavailableException(ex))
			.map((newestFirst) -> {
				Collections.reverse(newestFirst);
				return newestFirst;
			});
	}

	private static String key(String room) {
		return "chat:history:" + room;
	}
}
