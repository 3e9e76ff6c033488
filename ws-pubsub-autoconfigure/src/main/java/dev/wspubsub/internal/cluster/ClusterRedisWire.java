package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Redis Cluster through Lettuce's own cluster client, the one Spring Boot's connection
 * factory built (Spring Data Redis has no sharded pub/sub). Publishes are SPUBLISH and
 * subscriptions SSUBSCRIBE, each sent by Lettuce to the master of its channel's slot, so
 * a node talks to a master only about the topics it has there; scripts run on the master
 * of their keys' slot. Publishes have a connection of their own that sends only when told
 * ({@link #flush()}), so a burst reaches each master in a few writes; their command
 * timeout is kept by {@link PublishDeadlines}, not by a Lettuce timer per command.
 */
final class ClusterRedisWire implements RedisWire {

	/** How long a publish waits for its master's connection to open. */
	private static final Duration MASTER_CONNECT_WAIT = Duration.ofSeconds(2);

	private final RedisClusterClient client;

	private final ConnectsInFlight connects;

	private final Reconnecting<StatefulRedisClusterConnection<byte[], byte[]>> commands;

	private final Reconnecting<StatefulRedisClusterConnection<byte[], byte[]>> publishes;

	// Dispatcher thread only, as every publish: the master of each slot published to,
	// once
	// its connection is open and untimed.
	private final Route[] routes = new Route[SlotHash.SLOT_COUNT];

	private final PublishDeadlines deadlines = new PublishDeadlines();

	ClusterRedisWire(RedisClusterClient client) {
		this(client, new ConnectsInFlight());
	}

	/**
	 * @param connects where every connection this wire opens is followed until it opens
	 */
	ClusterRedisWire(RedisClusterClient client, ConnectsInFlight connects) {
		this.client = client;
		this.connects = connects;
		this.commands = new Reconnecting<>(() -> withTopology(() -> client.connectAsync(ByteArrayCodec.INSTANCE)));
		this.publishes = new Reconnecting<>(this::connectPublishes);
	}

	private CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>> connectPublishes() {
		return withTopology(() -> this.client.connectAsync(ByteArrayCodec.INSTANCE)).thenApply((connection) -> {
			connection.setAutoFlushCommands(false);
			return connection;
		});
	}

	/**
	 * Lettuce connects only once its client has loaded the cluster's topology, and Spring
	 * Data loads it lazily, at its own first command: without this a node whose
	 * application had not sent one yet (no presence entry, no Actuator health check)
	 * could never connect. Loading it again on a later connect also finds where slots
	 * live now.
	 */
	private <T> CompletableFuture<T> withTopology(Supplier<CompletableFuture<T>> connect) {
		return this.connects.open(() -> this.client.refreshPartitionsAsync()
			.toCompletableFuture()
			.thenCompose((loaded) -> connect.get()));
	}

	@Override
	public Mono<?> publish(ByteBuffer channel, ByteBuffer message) {
		byte[] to = bytes(channel);
		byte[] body = bytes(message);
		return Mono.fromFuture(this.publishes.get(), true).flatMap((connection) -> {
			CompletionStage<Long> sent = connection.async().spublish(to, body);
			connection.flushCommands();
			return Mono.fromCompletionStage(sent);
		});
	}

	@Override
	public CompletionStage<?> publishUnflushed(ByteBuffer channel, ByteBuffer message) {
		StatefulRedisClusterConnection<byte[], byte[]> connection = this.publishes.now();
		if (connection == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("Not connected to the Redis Cluster yet"));
		}
		byte[] to = bytes(channel);
		Throwable unreachable = awaitMasterConnection(connection, to);
		if (unreachable != null) {
			return CompletableFuture.failedFuture(unreachable);
		}
		CompletionStage<Long> sent = connection.async().spublish(to, bytes(message));
		this.deadlines.written(sent);
		return sent;
	}

	/**
	 * Waits until the connection to the master of {@code channel}'s slot is open. Lettuce
	 * opens it at the first command for that master and holds the commands sent meanwhile
	 * in no set order: the first burst to a master would arrive shuffled. Opening takes a
	 * round trip on a working network, and happens once per master. The master and its
	 * open connection are remembered per slot, so later publishes skip the look-up, until
	 * the topology or the connection changes.
	 * @return why the master cannot be reached, or {@code null}
	 */
	private @Nullable Throwable awaitMasterConnection(StatefulRedisClusterConnection<byte[], byte[]> connection,
			byte[] channel) {
		int slot = SlotHash.getSlot(channel);
		RedisClusterNode master = connection.getPartitions().getMasterBySlot(slot);
		if (master == null) {
			return null; // Lettuce reports the uncovered slot itself
		}
		Route route = this.routes[slot];
		if (route != null && route.master() == master && route.cluster() == connection && route.node().isOpen()) {
			return null;
		}
		CompletableFuture<StatefulRedisConnection<byte[], byte[]>> open = this.connects
			.open(() -> connection.getConnectionAsync(master.getUri().getHost(), master.getUri().getPort()));
		try {
			StatefulRedisConnection<byte[], byte[]> node = open.get(MASTER_CONNECT_WAIT.toMillis(),
					TimeUnit.MILLISECONDS);
			this.deadlines.takeOver(node, this.client.getOptions());
			this.routes[slot] = new Route(master, connection, node);
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ex;
		}
		catch (ExecutionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (TimeoutException ex) {
			return new IllegalStateException(
					"No connection to the master of channel '" + new String(channel, StandardCharsets.UTF_8)
							+ "' within " + MASTER_CONNECT_WAIT.toMillis() + " ms");
		}
	}

	@Override
	public void flush() {
		StatefulRedisClusterConnection<byte[], byte[]> connection = this.publishes.now();
		if (connection != null) {
			connection.flushCommands();
		}
		this.deadlines.flushed();
	}

	@Override
	public int expireUnansweredPublishes() {
		return this.deadlines.expire();
	}

	@Override
	public Mono<List<Object>> eval(HistoryScripts.Script script, ByteBuffer[] keys, ByteBuffer[] args) {
		return Mono.fromFuture(this.commands.get(), true)
			.flatMap((connection) -> LettuceRedisWire.evalOn(connection.async(), script, keys, args));
	}

	@Override
	public String publishCommand() {
		return "SPUBLISH";
	}

	@Override
	public Mono<Subscription> subscription(Runnable onChannelsMoved) {
		return Mono.fromFuture(() -> withTopology(() -> this.client.connectPubSubAsync(ByteArrayCodec.INSTANCE)), true)
			.map((connection) -> new Sharded(connection, onChannelsMoved));
	}

	@Override
	public Mono<Void> close() {
		return Mono.when(this.commands.close(), this.publishes.close());
	}

	private static byte[] bytes(ByteBuffer buffer) {
		return LettuceRedisWire.bytes(buffer);
	}

	/**
	 * Where the publishes of a slot go: its master, through the node connection of this
	 * publish connection.
	 */
	private record Route(RedisClusterNode master, StatefulRedisClusterConnection<byte[], byte[]> cluster,
			StatefulRedisConnection<byte[], byte[]> node) {
	}

	/**
	 * SSUBSCRIBE and SUNSUBSCRIBE of channels grouped by slot (Redis takes several shard
	 * channels in one command only when they share a slot), each group sent to its slot's
	 * master; Lettuce subscribes a node's channels again when it reconnects to it.
	 */
	private final class Sharded implements Subscription {

		private final StatefulRedisClusterPubSubConnection<byte[], byte[]> connection;

		private final Set<ByteBuffer> channels = ConcurrentHashMap.newKeySet();

		private final Runnable onChannelsMoved;

		private final Disposable topologyChanges;

		private final IncomingMessages messages = new IncomingMessages();

		Sharded(StatefulRedisClusterPubSubConnection<byte[], byte[]> connection, Runnable onChannelsMoved) {
			this.connection = connection;
			this.onChannelsMoved = onChannelsMoved;
			connection.addListener(new RedisClusterPubSubAdapter<>() {

				@Override
				public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
					Sharded.this.messages.heard(node.getNodeId().hashCode(), channel, message);
				}

				@Override
				public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
					// Not asked for: Redis drops a shard channel whose slot moved away.
					if (Sharded.this.channels.contains(ByteBuffer.wrap(channel))) {
						Sharded.this.onChannelsMoved.run();
					}
				}

			});
			this.topologyChanges = ClusterRedisWire.this.client.getResources()
				.eventBus()
				.get()
				.filter(ClusterTopologyChangedEvent.class::isInstance)
				.subscribe((event) -> onChannelsMoved.run());
		}

		@Override
		public Mono<Void> subscribe(ByteBuffer... channels) {
			List<Mono<Void>> sent = new ArrayList<>();
			for (byte[][] group : bySlot(channels)) {
				for (byte[] channel : group) {
					this.channels.add(ByteBuffer.wrap(channel));
				}
				sent.add(Mono.fromCompletionStage(this.connection.async().ssubscribe(group)));
			}
			return Mono.when(sent);
		}

		@Override
		public Mono<Void> unsubscribe(ByteBuffer... channels) {
			List<Mono<Void>> sent = new ArrayList<>();
			for (byte[][] group : bySlot(channels)) {
				for (byte[] channel : group) {
					this.channels.remove(ByteBuffer.wrap(channel));
				}
				sent.add(Mono.fromCompletionStage(this.connection.async().sunsubscribe(group)));
			}
			return Mono.when(sent);
		}

		@Override
		public Set<ByteBuffer> channels() {
			return Set.copyOf(this.channels);
		}

		@Override
		public Flux<Message> receive() {
			return this.messages.flux();
		}

		@Override
		public Mono<Void> cancel() {
			this.topologyChanges.dispose();
			this.messages.complete();
			return Mono.fromCompletionStage(this.connection.closeAsync());
		}

		private static List<byte[][]> bySlot(ByteBuffer[] channels) {
			Map<Integer, List<byte[]>> groups = new TreeMap<>();
			for (ByteBuffer channel : channels) {
				byte[] name = bytes(channel);
				groups.computeIfAbsent(SlotHash.getSlot(name), (slot) -> new ArrayList<>()).add(name);
			}
			return groups.values().stream().map((group) -> group.toArray(new byte[0][])).toList();
		}

	}

}
