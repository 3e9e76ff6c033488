package dev.wspubsub.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Presence in Redis: one hash per topic, {@code <key-prefix>presence:<topic>}, with a field
 * {@code <node-id>:<id>} per entry whose value is {@code <expires-at-millis>:<info>}. Each
 * node rewrites its own entries with a new expiry every third of the TTL, so the entries
 * of a node that stopped without leaving (a crash) are ignored by {@link #members} once
 * the TTL has passed, and removed by the next reader; the hash itself expires one TTL
 * after the last live node touched it. Expiry is judged with each node's clock: keep
 * the nodes' clocks within a small fraction of the TTL of each other.
 */
public final class RedisPresenceRegistry implements PresenceRegistry, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisPresenceRegistry.class);

	private final ReactiveStringRedisTemplate redis;

	private final String keyPrefix;

	private final String nodeId;

	private final Duration ttl;

	private final Clock clock;

	// This node's own entries, rewritten by the heartbeat: topic -> id -> info.
	private final Map<String, Map<String, String>> local = new ConcurrentHashMap<>();

	private @Nullable Disposable heartbeat;

	/**
	 * @param keyPrefix prepended to each key, as the channel prefix is to channels
	 * @param nodeId this node's id; must not contain {@code ':'}
	 * @param ttl how long an entry outlives its node's last heartbeat
	 */
	public RedisPresenceRegistry(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration ttl) {
		this(connectionFactory, keyPrefix, nodeId, ttl, Clock.systemUTC());
	}

	RedisPresenceRegistry(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration ttl, Clock clock) {
		this.redis = new ReactiveStringRedisTemplate(Objects.requireNonNull(connectionFactory, "connectionFactory"));
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
		if (nodeId.indexOf(':') >= 0) {
			throw new IllegalArgumentException("Node id must not contain ':' but was '" + nodeId + "'");
		}
		this.ttl = Objects.requireNonNull(ttl, "ttl");
		if (ttl.toMillis() < 3) {
			throw new IllegalArgumentException("Presence TTL must be at least 3 ms but was " + ttl);
		}
		this.clock = clock;
	}

	/** Starts the heartbeat that keeps this node's entries alive. */
	public void start() {
		this.heartbeat = Flux.interval(this.ttl.dividedBy(3))
			.onBackpressureDrop()
			.concatMap((tick) -> refresh().onErrorResume((ex) -> {
				logger.debug("Presence heartbeat failed: " + ex);
				return Mono.empty();
			}))
			.subscribe();
	}

	@Override
	public Mono<Void> join(String topic, String id, String info) {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(info, "info");
		return Mono.defer(() -> {
			this.local.compute(topic, (key, existing) -> {
				Map<String, String> members = (existing != null) ? existing : new ConcurrentHashMap<>();
				members.put(id, info);
				return members;
			});
			String key = key(topic);
			return this.redis.opsForHash()
				.put(key, field(id), value(info))
				.then(this.redis.expire(key, this.ttl))
				.then();
		});
	}

	@Override
	public Mono<Void> leave(String topic, String id) {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(id, "id");
		return Mono.defer(() -> {
			this.local.computeIfPresent(topic, (key, members) -> {
				members.remove(id);
				return members.isEmpty() ? null : members;
			});
			return this.redis.opsForHash().remove(key(topic), field(id)).then();
		});
	}

	@Override
	public Mono<Map<String, String>> members(String topic) {
		Objects.requireNonNull(topic, "topic");
		String key = key(topic);
		return this.redis.<String, String>opsForHash().entries(key).collectList().flatMap((entries) -> {
			long now = this.clock.millis();
			Map<String, String> members = new HashMap<>();
			List<Object> expired = new ArrayList<>();
			for (Map.Entry<String, String> entry : entries) {
				int fieldColon = entry.getKey().indexOf(':');
				int valueColon = entry.getValue().indexOf(':');
				if (fieldColon < 0 || valueColon < 0) {
					continue; // not ours
				}
				long expiresAt = parse(entry.getValue().substring(0, valueColon));
				if (expiresAt > now) {
					members.put(entry.getKey().substring(fieldColon + 1), entry.getValue().substring(valueColon + 1));
				}
				else {
					expired.add(entry.getKey());
				}
			}
			Mono<Long> cleanup = expired.isEmpty() ? Mono.empty()
					: this.redis.opsForHash().remove(key, expired.toArray());
			return cleanup.onErrorResume((ex) -> Mono.empty()).thenReturn(Map.copyOf(members));
		});
	}

	/** Rewrites this node's entries with a fresh expiry; the heartbeat's work. */
	Mono<Void> refresh() {
		return Flux.fromIterable(new ArrayList<>(this.local.entrySet())).concatMap((topic) -> {
			Map<String, String> fields = new HashMap<>();
			topic.getValue().forEach((id, info) -> fields.put(field(id), value(info)));
			if (fields.isEmpty()) {
				return Mono.empty();
			}
			String key = key(topic.getKey());
			return this.redis.opsForHash().putAll(key, fields).then(this.redis.expire(key, this.ttl));
		}).then();
	}

	/** Stops the heartbeat and removes this node's entries, waiting a few seconds at most. */
	@Override
	public void close() {
		Disposable beat = this.heartbeat;
		if (beat != null) {
			beat.dispose();
		}
		try {
			Flux.fromIterable(new ArrayList<>(this.local.entrySet()))
				.concatMap((topic) -> this.redis.opsForHash()
					.remove(key(topic.getKey()), topic.getValue().keySet().stream().map(this::field).toArray()))
				.then()
				.block(Duration.ofSeconds(3));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not remove this node's presence entries; they expire after " + this.ttl + ": " + ex);
		}
		this.local.clear();
	}

	private String key(String topic) {
		return this.keyPrefix + "presence:" + topic;
	}

	private String field(String id) {
		return this.nodeId + ":" + id;
	}

	private String value(String info) {
		return (this.clock.millis() + this.ttl.toMillis()) + ":" + info;
	}

	private static long parse(String millis) {
		try {
			return Long.parseLong(millis);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}
}
