package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One Redis, the master Sentinel names, or a static master/replica setup
 * ({@link MasterReplicaNodes}), through the Lettuce client Spring Boot's connection
 * factory built, without Spring Data's reactive layer: classic PUBLISH and SUBSCRIBE.
 * Publishes have a connection of their own that sends only when told ({@link #flush()}),
 * so a burst goes to Redis in a few writes, which Redis reads and runs in a few reads, as
 * a client that pipelines does; scripts and the rest go on a second connection that sends
 * each command at once. The publish connection's command timeout is kept by
 * {@link PublishDeadlines}, not by a Lettuce timer per command.
 */
final class LettuceRedisWire implements RedisWire {

	private final RedisClient client;

	private final @Nullable MasterReplicaNodes masterReplica;

	private final ConnectsInFlight connects;

	private final Reconnecting<StatefulRedisConnection<byte[], byte[]>> commands;

	private final Reconnecting<StatefulRedisConnection<byte[], byte[]>> publishes;

	/** Whether a subscription was made before: a new one may follow a new master. */
	private final AtomicBoolean subscribedBefore = new AtomicBoolean();

	// Dispatcher thread only, besides the connect that sets the timeout.
	private final PublishDeadlines deadlines = new PublishDeadlines();

	LettuceRedisWire(RedisClient client) {
		this(client, null, new ConnectsInFlight());
	}

	/**
	 * @param masterReplica the nodes of a static master/replica setup, whose client has
	 * no address of its own, or {@code null}
	 * @param connects where every connection this wire opens is followed until it opens
	 */
	LettuceRedisWire(RedisClient client, @Nullable MasterReplicaNodes masterReplica, ConnectsInFlight connects) {
		this.client = client;
		this.masterReplica = masterReplica;
		this.connects = connects;
		this.commands = new Reconnecting<>(() -> connects.open(() -> connect(false)));
		this.publishes = new Reconnecting<>(() -> connects.open(() -> connect(true)));
	}

	// The client connects with the address (and Sentinel, password, TLS) Spring Boot gave
	// it, and only in its blocking form: off the caller's thread.
	private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect(boolean sendOnlyWhenTold) {
		return Mono.fromCallable(() -> {
			StatefulRedisConnection<byte[], byte[]> connection = (this.masterReplica != null)
					? this.masterReplica.connect() : this.client.connect(ByteArrayCodec.INSTANCE);
			connection.setAutoFlushCommands(!sendOnlyWhenTold);
			if (sendOnlyWhenTold) {
				this.deadlines.takeOver(connection, this.client.getOptions());
			}
			return connection;
		}).subscribeOn(Schedulers.boundedElastic()).toFuture();
	}

	/**
	 * Whether {@code error} says the client has no address of its own: Spring Data builds
	 * it so for a static master/replica setup, whose nodes then must be given
	 * ({@link MasterReplicaNodes}).
	 */
	static boolean isWithoutAddress(Throwable error) {
		return error instanceof IllegalStateException && error.getMessage() != null
				&& error.getMessage().startsWith("RedisURI is not available");
	}

	@Override
	public Mono<?> publish(ByteBuffer channel, ByteBuffer message) {
		byte[] to = bytes(channel);
		byte[] body = bytes(message);
		return Mono.fromFuture(this.publishes.get(), true).flatMap((connection) -> {
			CompletionStage<Long> sent = connection.async().publish(to, body);
			connection.flushCommands();
			return Mono.fromCompletionStage(sent);
		});
	}

	@Override
	public CompletionStage<?> publishUnflushed(ByteBuffer channel, ByteBuffer message) {
		StatefulRedisConnection<byte[], byte[]> connection = this.publishes.now();
		if (connection == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("Not connected to Redis yet"));
		}
		CompletionStage<Long> sent = connection.async().publish(bytes(channel), bytes(message));
		this.deadlines.written(sent);
		return sent;
	}

	@Override
	public void flush() {
		StatefulRedisConnection<byte[], byte[]> connection = this.publishes.now();
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
			.flatMap((connection) -> evalOn(connection.async(), script, keys, args).doOnError((error) -> {
				// Lettuce's static master/replica connection keeps the roles it found
				// when it opened: a script sent to a master made a replica since is
				// refused, and a new connection asks every node its role again.
				if (this.masterReplica != null && error instanceof RedisReadOnlyException) {
					this.commands.reopen(connection);
				}
			}));
	}

	/**
	 * Runs {@code script} by its digest, and by its text when Redis answers NOSCRIPT; the
	 * one way both wires run scripts.
	 */
	static Mono<List<Object>> evalOn(RedisScriptingAsyncCommands<byte[], byte[]> commands, HistoryScripts.Script script,
			ByteBuffer[] keys, ByteBuffer[] args) {
		byte[][] keyBytes = all(keys);
		byte[][] argBytes = all(args);
		return Mono
			.fromCompletionStage(
					() -> commands.<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keyBytes, argBytes))
			.onErrorResume(HistoryScripts::isNoScript, (error) -> Mono.fromCompletionStage(() -> commands
				.<List<Object>>eval(bytes(script.text()), ScriptOutputType.MULTI, keyBytes, argBytes)));
	}

	@Override
	public String publishCommand() {
		return "PUBLISH";
	}

	@Override
	public Mono<Subscription> subscription(Runnable onChannelsMoved) {
		MasterReplicaNodes nodes = this.masterReplica;
		if (nodes != null) {
			// The master may have changed by the time Redis answers again: the
			// subscription ends with its connection, and the next one asks again. So do
			// the publishes: a replica takes a PUBLISH without complaint and tells only
			// its own subscribers, so a connection still on the old master would lose
			// every publication, and nothing but the probe would notice.
			if (this.subscribedBefore.getAndSet(true)) {
				this.publishes.reopen();
				this.commands.reopen();
			}
			return connectOffThread(this.connects, nodes::connectPubSubToMaster)
				.map((connection) -> new Classic(connection, this.client));
		}
		// One Redis: channels never move (Lettuce subscribes them again when it
		// reconnects).
		return connectOffThread(this.connects, () -> this.client.connectPubSub(ByteArrayCodec.INSTANCE))
			.map((connection) -> new Classic(connection, null));
	}

	/**
	 * Runs a blocking connect off the caller's thread. When the caller gives up first
	 * (its timeout), a connection that opens later is closed, and a failure that comes
	 * later is not reported again: Reactor would log each such failure at ERROR, every
	 * few seconds while Redis does not answer.
	 */
	static <C extends StatefulConnection<?, ?>> Mono<C> connectOffThread(Supplier<C> connect) {
		return connectOffThread(new ConnectsInFlight(), connect);
	}

	/**
	 * As {@link #connectOffThread(Supplier)}, the connect followed in {@code connects}
	 * until it ends, even when the caller has given up.
	 */
	static <C extends StatefulConnection<?, ?>> Mono<C> connectOffThread(ConnectsInFlight connects,
			Supplier<C> connect) {
		return Mono.create((sink) -> {
			AtomicBoolean givenUp = new AtomicBoolean();
			CompletableFuture<C> opening = connects.open(
					() -> CompletableFuture.supplyAsync(connect, (task) -> Schedulers.boundedElastic().schedule(task)));
			sink.onCancel(() -> givenUp.set(true));
			opening.whenComplete((connection, error) -> {
				if (givenUp.get()) {
					if (connection != null) {
						connection.closeAsync();
					}
				}
				else if (error != null) {
					sink.error((error instanceof CompletionException) ? error.getCause() : error);
				}
				else {
					sink.success(connection);
				}
			});
		});
	}

	@Override
	public Mono<Void> close() {
		return Mono.when(this.commands.close(), this.publishes.close());
	}

	// The envelope's array as it is when the buffer spans all of it: no copy per publish.
	static byte[] bytes(ByteBuffer buffer) {
		if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
				&& buffer.remaining() == buffer.array().length) {
			return buffer.array();
		}
		ByteBuffer in = buffer.duplicate();
		byte[] bytes = new byte[in.remaining()];
		in.get(bytes);
		return bytes;
	}

	private static byte[][] all(ByteBuffer[] buffers) {
		byte[][] all = new byte[buffers.length][];
		for (int i = 0; i < buffers.length; i++) {
			all[i] = bytes(buffers[i]);
		}
		return all;
	}

	/** SUBSCRIBE and UNSUBSCRIBE on a pub/sub connection of its own. */
	private static final class Classic implements Subscription {

		private final StatefulRedisPubSubConnection<byte[], byte[]> connection;

		private final Set<ByteBuffer> channels = ConcurrentHashMap.newKeySet();

		private final IncomingMessages messages = new IncomingMessages();

		private final @Nullable RedisClient endsWithConnectionOf;

		private final RedisConnectionStateListener disconnects = new RedisConnectionStateListener() {

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> disconnected) {
				if (disconnected == Classic.this.connection) {
					Classic.this.messages
						.fail(new IllegalStateException("the connection to the Redis master was lost"));
				}
			}

		};

		/**
		 * @param endsWithConnectionOf the client whose reconnection of this connection
		 * should not be waited for: the subscription ends when the connection drops
		 */
		Classic(StatefulRedisPubSubConnection<byte[], byte[]> connection, @Nullable RedisClient endsWithConnectionOf) {
			this.connection = connection;
			this.endsWithConnectionOf = endsWithConnectionOf;
			if (endsWithConnectionOf != null) {
				endsWithConnectionOf.addListener(this.disconnects);
			}
			connection.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(byte[] channel, byte[] message) {
					Classic.this.messages.heard(0, channel, message);
				}

			});
		}

		@Override
		public Mono<Void> subscribe(ByteBuffer... channels) {
			byte[][] names = all(channels);
			for (ByteBuffer channel : channels) {
				this.channels.add(channel.duplicate());
			}
			return Mono.fromCompletionStage(this.connection.async().subscribe(names));
		}

		@Override
		public Mono<Void> unsubscribe(ByteBuffer... channels) {
			byte[][] names = all(channels);
			for (ByteBuffer channel : channels) {
				this.channels.remove(channel);
			}
			return Mono.fromCompletionStage(this.connection.async().unsubscribe(names));
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
			if (this.endsWithConnectionOf != null) {
				this.endsWithConnectionOf.removeListener(this.disconnects);
			}
			this.messages.complete();
			return Mono.fromCompletionStage(this.connection.closeAsync());
		}

	}

}
