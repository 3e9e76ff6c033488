package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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

/**
 * Presence in Redis: one hash per topic, {@code <key-prefix>presence:<topic>}, with a
 * field {@code <node-id>:<id>} per entry whose value is
 * {@code <expires-at-millis>:<info>}. Each node rewrites its own entries with a new
 * expiry every third of the TTL, so the entries of a node that stopped without leaving (a
 * crash) are ignored by {@link #members} once the TTL has passed, and removed by the next
 * reader; the hash itself expires one TTL after the last live node touched it. Expiry is
 * judged with each node's clock: keep the nodes' clocks within a small fraction of the
 * TTL of each other. A node that stops ({@link #stop()}, before the fan-out closes)
 * removes its entries at once.
 *
 * <p>
 * Every command goes over the fan-out's link ({@link RedisFanout}), as a Lua script that
 * touches the topic's hash alone, so it runs unchanged on one Redis and on the master of
 * the hash's slot on a cluster: {@code presence-write.lua} sets and removes this node's
 * entries (a join, a leave, the heartbeat's rewrite), {@code presence-members.lua}
 * answers the live entries and removes the expired ones in the same step.
 *
 * <p>
 * No call waits on Redis longer than the command timeout: a connection's handlers run in
 * order, so one unanswered command would hold up everything else of that connection. When
 * Redis fails or is too slow, {@link #join} and {@link #leave} still record the change on
 * this node and complete, and {@link #members} answers with this node's own entries; from
 * then on calls answer that way at once, without trying Redis, until a repair has gone
 * through. The repair runs every second: it removes the entries that left meanwhile and
 * rewrites all the others, so presence is whole again within seconds of Redis' return,
 * even if Redis lost its data. Health comes from the fan-out's link, which probes Redis
 * already: when it goes down, calls answer from this node until the repair has gone
 * through, so an outage no call ran into is repaired too.
 */
public final class RedisPresenceRegistry implements PresenceRegistry, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisPresenceRegistry.class);

	/** How often the entries are rewritten after a failure, until Redis takes them. */
	private static final Duration REPAIR_INTERVAL = Duration.ofSeconds(1);

	/** Sets and removes entries of one topic; see {@code presence-write.lua}. */
	private static final HistoryScripts.Script WRITE = HistoryScripts.Script.load("presence-write.lua");

	/**
	 * Reads one topic's live entries, removing expired ones; see
	 * {@code presence-members.lua}.
	 */
	private static final HistoryScripts.Script MEMBERS = HistoryScripts.Script.load("presence-members.lua");

	private final RedisFanout fanout;

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
	 * @param fanout the link to Redis: its connections, its key prefix and node id, and
	 * its health
	 * @param ttl how long an entry outlives its node's last heartbeat
	 * @param commandTimeout the longest wait for Redis' answer to one command; must be
	 * positive
	 */
	public RedisPresenceRegistry(RedisFanout fanout, Duration ttl, Duration commandTimeout) {
		this(fanout, ttl, commandTimeout, Clock.systemUTC());
	}

	RedisPresenceRegistry(RedisFanout fanout, Duration ttl, Duration commandTimeout, Clock clock) {
		this.fanout = Objects.requireNonNull(fanout, "fanout");
		this.nodeId = fanout.nodeId();
		if (this.nodeId.indexOf(':') >= 0) {
			throw new IllegalArgumentException("Node id must not contain ':' but was '" + this.nodeId + "'");
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
		followLink();
	}

	/**
	 * Starts the heartbeat that keeps this node's entries alive, and rewrites them after
	 * a failure; after {@link #stop()}, writes them again within a second.
	 */
	public synchronized void start() {
		if (this.heartbeat != null) {
			return;
		}
		Duration period = this.ttl.dividedBy(3);
		Duration tick = (period.compareTo(REPAIR_INTERVAL) < 0) ? period : REPAIR_INTERVAL;
		this.heartbeat = Flux.interval(tick)
			.onBackpressureDrop()
			.concatMap((beat) -> (!isInSync() || this.clock.millis() - this.lastRefresh >= period.toMillis())
					? refresh() : Mono.empty())
			.subscribe();
	}

	/**
	 * Stops the heartbeat and removes this node's entries from Redis, waiting a few
	 * seconds at most; run it while the fan-out's link is still open. The entries stay
	 * known here, and calls answer from them, until {@link #start()} writes them again.
	 */
	public synchronized void stop() {
		Disposable beat = this.heartbeat;
		if (beat == null) {
			return;
		}
		this.heartbeat = null;
		beat.dispose();
		// Out of sync until a rewrite: nothing reaches Redis while stopped.
		this.failures.incrementAndGet();
		Map<String, Set<String>> ours = new HashMap<>();
		this.local.forEach(
				(topic, members) -> ours.computeIfAbsent(topic, (key) -> new HashSet<>()).addAll(members.keySet()));
		this.departed.forEach((topic, ids) -> ours.computeIfAbsent(topic, (key) -> new HashSet<>()).addAll(ids));
		try {
			Flux.fromIterable(ours.entrySet())
				.concatMap((topic) -> write(topic.getKey(), Map.of(), topic.getValue()))
				.then()
				.block(Duration.ofSeconds(3));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not remove this node's presence entries; they expire after " + this.ttl + ": " + ex);
		}
	}

	/**
	 * Takes the health of the fan-out's link to Redis as this registry's: an outage
	 * (Redis may come back without its data) makes the entries be rewritten once Redis
	 * answers again, within a second.
	 */
	private void followLink() {
		this.fanout.addLinkListener(new LinkListener() {

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
			return write(topic, Map.of(id, info), List.of()).onErrorResume(this::failed);
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
			return write(topic, Map.of(), List.of(id)).onErrorResume((ex) -> {
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
		return Mono.defer(() -> run(MEMBERS, topic, utf8(Long.toString(this.clock.millis())))).map((answer) -> {
			Map<String, String> members = new HashMap<>();
			for (int i = 0; i + 1 < answer.size(); i += 2) {
				members.put(text(answer.get(i)), text(answer.get(i + 1)));
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
			Map<String, Map<String, String>> present = new HashMap<>();
			this.local.forEach((topic, members) -> present.put(topic, Map.copyOf(members)));
			Set<String> topics = new HashSet<>(present.keySet());
			topics.addAll(gone.keySet());
			return Flux.fromIterable(topics)
				.concatMap((topic) -> write(topic, present.getOrDefault(topic, Map.of()),
						gone.getOrDefault(topic, List.of())))
				.then(Mono.fromRunnable(() -> {
					gone.forEach((topic, ids) -> ids.forEach((id) -> returned(topic, id)));
					this.repaired = failuresBefore;
					this.lastRefresh = startedAt;
				}))
				.onErrorResume(this::failed)
				.then();
		});
	}

	/**
	 * Sets {@code entries} of this node in {@code topic} with a fresh expiry and removes
	 * {@code removed}, in one script.
	 */
	private Mono<Void> write(String topic, Map<String, String> entries, Collection<String> removed) {
		if (entries.isEmpty() && removed.isEmpty()) {
			return Mono.empty();
		}
		String expiresAt = Long.toString(this.clock.millis() + this.ttl.toMillis());
		ByteBuffer[] args = new ByteBuffer[2 + 2 * entries.size() + removed.size()];
		int i = 0;
		args[i++] = utf8(Long.toString(this.ttl.toMillis()));
		args[i++] = utf8(Integer.toString(entries.size()));
		for (Map.Entry<String, String> entry : entries.entrySet()) {
			args[i++] = utf8(field(entry.getKey()));
			args[i++] = utf8(expiresAt + ":" + entry.getValue());
		}
		for (String id : removed) {
			args[i++] = utf8(field(id));
		}
		return run(WRITE, topic, args).then();
	}

	private Mono<List<Object>> run(HistoryScripts.Script script, String topic, ByteBuffer... args) {
		RedisWire wire = this.fanout.wire();
		if (wire == null) {
			return Mono.error(new IllegalStateException("Not connected to Redis"));
		}
		return wire.eval(script, new ByteBuffer[] { this.fanout.names().presenceKey(topic) }, args)
			.timeout(this.commandTimeout);
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

	private <T> Mono<T> failed(Throwable ex) {
		this.failures.incrementAndGet();
		logger.debug("Presence in Redis failed, answering from this node: " + ex);
		return Mono.empty();
	}

	/** Stops as {@link #stop()} does, and forgets this node's entries. */
	@Override
	public void close() {
		stop();
		this.local.clear();
		this.departed.clear();
	}

	private String field(String id) {
		return this.nodeId + ":" + id;
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(Object value) {
		if (value instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

}
