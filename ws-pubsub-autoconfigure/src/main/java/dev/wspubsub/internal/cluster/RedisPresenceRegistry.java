package dev.wspubsub.internal.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.spi.PresenceRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Presence in Redis: one hash per topic, {@code <key-prefix>presence:<topic>}, with a
 * field {@code <node-id>:<id>} per entry whose value is
 * {@code <expires-at-millis>:<info>}. Each node rewrites its own entries with a new
 * expiry every third of the TTL, so the entries of a node that stopped without leaving (a
 * crash) are ignored by {@link #members} once the TTL has passed, and removed by the next
 * reader; the hash itself expires one TTL after the last live node touched it. Expiry is
 * judged with each node's clock: keep the nodes' clocks within a small fraction of the
 * TTL of each other.
 *
 * <p>
 * No call waits on Redis longer than the command timeout: a connection's handlers run in
 * order, so one unanswered command would hold up everything else of that connection. When
 * Redis fails or is too slow, {@link #join} and {@link #leave} still record the change on
 * this node and complete, and {@link #members} answers with this node's own entries; from
 * then on calls answer that way at once, without trying Redis, until a repair has gone
 * through. The repair runs every second: it removes the entries that left meanwhile and
 * rewrites all the others, so presence is whole again within seconds of Redis' return,
 * even if Redis lost its data. Health comes from the fan-out's link
 * ({@link #followLink}), which probes Redis already: when it goes down, calls answer from
 * this node until the repair has gone through, so an outage no call ran into is repaired
 * too.
 */
public final class RedisPresenceRegistry implements PresenceRegistry, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisPresenceRegistry.class);

	/** How often the entries are rewritten after a failure, until Redis takes them. */
	private static final Duration REPAIR_INTERVAL = Duration.ofSeconds(1);

	private final ReactiveStringRedisTemplate redis;

	private final String keyPrefix;

	private final String nodeId;

	private final Duration ttl;

	private final Duration commandTimeout;

	private final Clock clock;

	// Failed writes so far, and how many of them a complete rewrite has repaired since.
	private final AtomicLong failures = new AtomicLong();

	private volatile long repaired;

	private volatile long lastRefresh;

	// This node's own entries, rewritten by the heartbeat: topic -> id -> info.
	private final Map<String, Map<String, String>> local = new ConcurrentHashMap<>();

	// Entries that left while Redis was out of reach, removed there by the repair: topic
	// -> ids.
	private final Map<String, Set<String>> departed = new ConcurrentHashMap<>();

	private @Nullable Disposable heartbeat;

	/**
	 * @param keyPrefix prepended to each key, as the channel prefix is to channels
	 * @param nodeId this node's id; must not contain {@code ':'}
	 * @param ttl how long an entry outlives its node's last heartbeat
	 */
	public RedisPresenceRegistry(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration ttl) {
		this(connectionFactory, keyPrefix, nodeId, ttl, Duration.ofSeconds(1));
	}

	/**
	 * @param keyPrefix prepended to each key, as the channel prefix is to channels
	 * @param nodeId this node's id; must not contain {@code ':'}
	 * @param ttl how long an entry outlives its node's last heartbeat
	 * @param commandTimeout the longest wait for Redis' answer to one command; must be
	 * positive
	 */
	public RedisPresenceRegistry(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration ttl, Duration commandTimeout) {
		this(connectionFactory, keyPrefix, nodeId, ttl, commandTimeout, Clock.systemUTC());
	}

	RedisPresenceRegistry(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, String nodeId,
			Duration ttl, Duration commandTimeout, Clock clock) {
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
		this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
		if (commandTimeout.isNegative() || commandTimeout.isZero()) {
			throw new IllegalArgumentException("Command timeout must be positive but was " + commandTimeout);
		}
		this.clock = clock;
	}

	/**
	 * Starts the heartbeat that keeps this node's entries alive, and rewrites them after
	 * a failure.
	 */
	public void start() {
		Duration period = this.ttl.dividedBy(3);
		Duration tick = (period.compareTo(REPAIR_INTERVAL) < 0) ? period : REPAIR_INTERVAL;
		this.heartbeat = Flux.interval(tick)
			.onBackpressureDrop()
			.concatMap((beat) -> (!isInSync() || this.clock.millis() - this.lastRefresh >= period.toMillis())
					? refresh() : Mono.empty())
			.subscribe();
	}

	/**
	 * Takes the health of {@code fanout}'s link to Redis as this registry's: an outage
	 * (Redis may come back without its data) makes the entries be rewritten once Redis
	 * answers again, within a second.
	 */
	public void followLink(RedisFanout fanout) {
		fanout.addLinkListener(new LinkListener() {

			@Override
			public void down(Instant downAt) {
				RedisPresenceRegistry.this.failures.incrementAndGet();
			}

			@Override
			public void up(Instant downAt, Instant upAt) {
				// the heartbeat repairs: this node is out of sync since down()
			}

		});
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
			returned(topic, id);
			if (!isInSync()) {
				return Mono.empty(); // the repair writes it
			}
			String key = key(topic);
			return bounded(this.redis.opsForHash().put(key, field(id), value(info)))
				.then(bounded(this.redis.expire(key, this.ttl)))
				.then()
				.onErrorResume(this::failed);
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
			if (!isInSync()) {
				remember(topic, id);
				return Mono.empty();
			}
			return bounded(this.redis.opsForHash().remove(key(topic), field(id))).then().onErrorResume((ex) -> {
				remember(topic, id);
				return failed(ex);
			});
		});
	}

	@Override
	public Mono<Map<String, String>> members(String topic) {
		Objects.requireNonNull(topic, "topic");
		if (!isInSync()) {
			return Mono.fromSupplier(() -> localMembers(topic));
		}
		String key = key(topic);
		return bounded(this.redis.<String, String>opsForHash().entries(key).collectList()).map((entries) -> {
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
			if (!expired.isEmpty()) {
				// Housekeeping: nobody waits for it.
				bounded(this.redis.opsForHash().remove(key, expired.toArray())).subscribe(null,
						(ex) -> logger.debug("Could not remove expired presence entries: " + ex));
			}
			return Map.copyOf(members);
		}).onErrorResume((ex) -> failed(ex).then(Mono.fromSupplier(() -> localMembers(topic))));
	}

	private Map<String, String> localMembers(String topic) {
		return Map.copyOf(this.local.getOrDefault(topic, Map.of()));
	}

	/**
	 * Rewrites this node's entries with a fresh expiry, and removes those that left while
	 * Redis was unreachable; the heartbeat's work.
	 */
	Mono<Void> refresh() {
		return Mono.defer(() -> {
			long failuresBefore = this.failures.get();
			long startedAt = this.clock.millis();
			Map<String, List<String>> gone = new HashMap<>();
			this.departed.forEach((topic, ids) -> gone.put(topic, List.copyOf(ids)));
			Flux<Long> removals = Flux.fromIterable(gone.entrySet())
				.concatMap((topic) -> bounded(this.redis.opsForHash()
					.remove(key(topic.getKey()), topic.getValue().stream().map(this::field).toArray())));
			Flux<Boolean> writes = Flux.fromIterable(new ArrayList<>(this.local.entrySet())).concatMap((topic) -> {
				Map<String, String> fields = new HashMap<>();
				topic.getValue().forEach((id, info) -> fields.put(field(id), value(info)));
				if (fields.isEmpty()) {
					return Mono.empty();
				}
				String key = key(topic.getKey());
				return bounded(this.redis.opsForHash().putAll(key, fields))
					.then(bounded(this.redis.expire(key, this.ttl)));
			});
			return removals.thenMany(writes).then(Mono.fromRunnable(() -> {
				gone.forEach((topic, ids) -> ids.forEach((id) -> returned(topic, id)));
				this.repaired = failuresBefore;
				this.lastRefresh = startedAt;
			})).onErrorResume(this::failed).then();
		});
	}

	private void remember(String topic, String id) {
		this.departed.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet()).add(id);
	}

	private void returned(String topic, String id) {
		this.departed.computeIfPresent(topic, (key, ids) -> {
			ids.remove(id);
			return ids.isEmpty() ? null : ids;
		});
	}

	/** Whether every write that failed has since been repaired by a complete rewrite. */
	boolean isInSync() {
		return this.failures.get() <= this.repaired;
	}

	private <T> Mono<T> bounded(Mono<T> command) {
		return command.timeout(this.commandTimeout);
	}

	private <T> Mono<T> failed(Throwable ex) {
		this.failures.incrementAndGet();
		logger.debug("Presence in Redis failed, answering from this node: " + ex);
		return Mono.empty();
	}

	/**
	 * Stops the heartbeat and removes this node's entries, waiting a few seconds at most.
	 */
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
