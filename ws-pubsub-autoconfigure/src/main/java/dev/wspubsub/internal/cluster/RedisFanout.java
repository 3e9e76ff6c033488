package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.OutboundMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.netty.buffer.ByteBufAllocator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.Lifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Spans every topic across the nodes that share one Redis, through Redis pub/sub: on one
 * Redis, Sentinel or a static master/replica setup through the Lettuce client of
 * spring-data-redis' connection factory, on a Redis Cluster (when the connection factory
 * Spring Boot built is cluster-aware) through Lettuce's own cluster client with sharded
 * pub/sub (see {@link RedisWire}).
 *
 * <ul>
 * <li>Each topic is one channel (see {@link ChannelNames}), subscribed while the topic
 * has a local subscriber (see {@link ChannelSubscriptions}); never PSUBSCRIBE. On a
 * cluster it is a shard channel: a publication travels only through the master of its
 * slot, and a node subscribes at a master only to the topics it has subscribers for
 * there.</li>
 * <li>A publish travels as a small binary {@link Envelope} carrying the sender's node id,
 * so a node skips its own messages: they were delivered locally already.</li>
 * <li>Publishes go out in call order on one connection, bounded by {@code publishBuffer}
 * while Redis is unreachable; past it they are dropped, counted in
 * {@link #droppedCount()} and logged.</li>
 * <li>Publications of one channel queued together go out as one publish, a batch of their
 * envelopes (unless {@code batchPublishes} is off); the receiver handles each as if it
 * had come alone. Every count stays a count of publications.</li>
 * <li>Health is measured end to end: every {@code probeInterval} the node publishes a
 * probe to its own node channel ({@link ChannelNames#probe}). It becomes
 * {@linkplain #isUp() up} when a probe comes back, and down when a probe has not come
 * back for three intervals (two seconds at least) while one of its two connections has
 * been silent as long (a probe late behind heavy traffic is no failure). When Redis
 * returns, Lettuce reconnects, and the next echoed probe re-subscribes every current
 * topic and releases the buffer. On a cluster the probe checks the master of its own
 * slot; a master that fails fails the commands sent to it, which marks the link down the
 * same way, and when the cluster's topology changes every channel is subscribed again, so
 * each lands on the master that serves its slot now.</li>
 * </ul>
 * Across nodes delivery is at most once: what is published while a node's link is down is
 * not replayed to it, and a publication Redis carries twice (the publish queue resends
 * when a reply is lost after Redis ran the command) is delivered once, by the sender's
 * incarnation and publish id in its envelope ({@link DeliveredIds}). Topics with history
 * are published through {@link RedisHistory}, whose clients can resume what they missed.
 */
public final class RedisFanout implements Fanout, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisFanout.class);

	/**
	 * Publishes awaiting Redis' reply at once; also what Lettuce may hold on a broken
	 * connection.
	 */
	private static final int MAX_IN_FLIGHT = 1024;

	/**
	 * Most publications of one channel sent as one publish: enough that Redis and the
	 * receivers handle a burst in a few messages, few enough that several stay in flight.
	 */
	private static final int MAX_BATCH_COUNT = 256;

	/**
	 * Most bytes of envelopes sent as one publish; a larger publication goes alone.
	 */
	private static final int MAX_BATCH_BYTES = 64 * 1024;

	private static final long MALFORMED_LOG_INTERVAL_NANOS = 10_000_000_000L;

	private static final Duration MIN_PROBE_TIMEOUT = Duration.ofSeconds(2);

	/** Senders (node starts) whose recent publish ids are remembered. */
	private static final int MAX_REMEMBERED_SENDERS = 1024;

	/**
	 * How long a link that has never come up may take before that is logged: a slow start
	 * is no news, a node that can never connect is.
	 */
	private static final Duration NOT_UP_YET_WARNING = Duration.ofSeconds(10);

	/**
	 * Lettuce announces a topology change before its connections use it: resubscribe a
	 * little later.
	 */
	private static final long MOVED_RESYNC_DELAY_MILLIS = 250;

	/**
	 * How long a stop waits for the connections being opened: a refused or answered
	 * connect takes milliseconds, one to an address that never answers takes the client's
	 * connect timeout, and a stop must not.
	 */
	static final Duration CONNECTS_WAIT = Duration.ofSeconds(2);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final List<RedisURI> masterReplicaNodes;

	private final Supplier<RedisWire> wires;

	private final TopicRegistry registry;

	private final ByteBufAllocator allocator;

	private final String nodeId;

	private final ChannelNames names;

	private final Envelope envelope;

	private final Duration probeInterval;

	private final ByteBuffer probeChannel;

	private final Scheduler worker;

	private final ConnectsInFlight connects = new ConnectsInFlight();

	private final LongAdder received = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final LongAdder duplicates = new LongAdder();

	private final DeliveredIds delivered = new DeliveredIds(MAX_REMEMBERED_SENDERS);

	private final PublishQueue publishQueue;

	private final ChannelSubscriptions subscriptions;

	private volatile boolean up;

	private final AtomicLong outages = new AtomicLong();

	// ---- hook (link events): who hears of outages, and when the current one began
	private final List<LinkListener> linkListeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Instant downAt;

	private volatile LongConsumer lagListener = (millis) -> {
	};

	private final LongAdder reconnects = new LongAdder();

	// ---- end hook

	private volatile BiConsumer<String, Envelope.Positioned> positionedReceiver = RedisFanout::deliverUnclaimed;

	private volatile boolean closed;

	// Between the application context's stop and its next start.
	private volatile boolean suspended;

	// Evidence of life on each connection, so a probe stuck behind a busy pipeline is not
	// a failure.
	private volatile long lastReply = System.nanoTime();

	private volatile long lastMessage = System.nanoTime();

	private volatile @Nullable RedisWire wire;

	private final AtomicBoolean movedResyncScheduled = new AtomicBoolean();

	private final AtomicLong lastMalformedLog = new AtomicLong(System.nanoTime() - MALFORMED_LOG_INTERVAL_NANOS);

	// Worker thread only from here on.

	private RedisWire.@Nullable Subscription subscription;

	private @Nullable Disposable receiving;

	private boolean connecting;

	// Counts the connections given up (suspend): an attempt of an earlier count is stale.
	private long connectionGeneration;

	private long probeSequence;

	private long probeSentAt;

	private @Nullable Disposable heartbeat;

	// Whether the link has come up once; since when it has tried; why it failed last; and
	// whether its failing to come up was told.
	private boolean everUp;

	private long startedAt;

	private volatile String lastFailure = "no probe has come back";

	private boolean notUpYetLogged;

	private boolean withoutAddressLogged;

	// Completes when the link comes up after the last (re)start.
	private volatile CompletableFuture<Void> upAfterStart = new CompletableFuture<>();

	/**
	 * @param masterReplicaNodes the nodes of a static master/replica setup, with the
	 * connection factory's password, database, TLS and timeout: its client has no address
	 * of its own; empty for any other setup
	 */
	public RedisFanout(ReactiveRedisConnectionFactory connectionFactory, List<RedisURI> masterReplicaNodes,
			TopicRegistry registry, ByteBufAllocator allocator, Settings settings) {
		String nodeId = Objects.requireNonNull(settings.nodeId(), "nodeId");
		String channelPrefix = Objects.requireNonNull(settings.channelPrefix(), "channelPrefix");
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.masterReplicaNodes = List.copyOf(masterReplicaNodes);
		this.registry = Objects.requireNonNull(registry, "registry");
		this.allocator = Objects.requireNonNull(allocator, "allocator");
		this.nodeId = nodeId;
		if (isCluster(connectionFactory)) {
			this.names = ChannelNames.sharded(channelPrefix);
			LettuceConnectionFactory lettuce = (LettuceConnectionFactory) connectionFactory;
			this.wires = () -> new ClusterRedisWire((RedisClusterClient) lettuce.getRequiredNativeClient(),
					this.connects);
		}
		else {
			this.names = ChannelNames.single(channelPrefix);
			this.wires = () -> singleRedisWire(connectionFactory);
		}
		this.envelope = new Envelope(nodeId);
		this.probeInterval = Objects.requireNonNull(settings.probeInterval(), "probeInterval");
		this.probeChannel = this.names.probe(nodeId);
		this.worker = Schedulers.newSingle("ws-pubsub-redis");
		this.publishQueue = new PublishQueue(settings.publishBuffer(), MAX_IN_FLIGHT,
				settings.batchPublishes() ? MAX_BATCH_COUNT : 1, MAX_BATCH_BYTES, this::send, this::flush,
				this::linkFailed, () -> this.lastReply = System.nanoTime(), this.worker::schedule);
		this.subscriptions = new ChannelSubscriptions(registry, this.names, this.worker, this.errors, this::linkFailed,
				() -> this.lastMessage = System.nanoTime(),
				() -> this.closed || this.suspended || connectionFactoryStopped());
	}

	/**
	 * Lettuce's own client when Spring Boot built it for one Redis, Sentinel or a static
	 * master/replica setup (the client of the factory's current start: a stopped factory
	 * made a new one when started again); Spring Data's reactive connection for any other
	 * factory.
	 */
	private RedisWire singleRedisWire(ReactiveRedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.getRequiredNativeClient() instanceof RedisClient client) {
			return new LettuceRedisWire(client,
					this.masterReplicaNodes.isEmpty() ? null : new MasterReplicaNodes(client, this.masterReplicaNodes),
					this.connects);
		}
		return new SingleRedisWire(connectionFactory.getReactiveConnection());
	}

	/**
	 * Whether {@code connectionFactory} talks to a Redis Cluster, so the fan-out uses
	 * sharded pub/sub.
	 */
	public static boolean isCluster(ReactiveRedisConnectionFactory connectionFactory) {
		return connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
	}

	/**
	 * Whether this fan-out's connections are to be closed before the connection factory
	 * stops: on a cluster or a static master/replica setup each of its connections holds
	 * connections to nodes that the factory's client would close a second time, warning
	 * "Connection is already closed" for each.
	 */
	public boolean closesBeforeConnectionFactory() {
		return this.names.sharded() || !this.masterReplicaNodes.isEmpty();
	}

	/**
	 * Connects in the background and starts following local subscriptions; never blocks,
	 * never fails on a missing Redis.
	 */
	public void start() {
		this.registry.addSubscriptionListener(this.subscriptions);
		onWorker(() -> this.subscriptions.addExtraChannel(this.probeChannel.duplicate()));
		this.heartbeat = this.worker.schedulePeriodically(this::safeCheck, 0, this.probeInterval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Waits until the link has come up since the last start (or {@link #resume()}), or
	 * {@code timeout} has passed.
	 * @return whether it is up
	 * @throws WsPubSubConfigurationException when the connection factory is one the link
	 * cannot connect through
	 */
	public boolean awaitFirstUp(Duration timeout) {
		try {
			this.upAfterStart.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// up later, in the background
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof WsPubSubConfigurationException misconfigured) {
				throw misconfigured;
			}
			throw new IllegalStateException(ex);
		}
		return this.up;
	}

	/**
	 * Opens no more connections until {@link #resume()}, and waits two seconds at most
	 * for those being opened: the connection factory is about to stop, and its Lettuce
	 * client to shut down the event loops they end on (see {@link ConnectsInFlight}).
	 * Then {@link #suspend()} gives up the open ones.
	 */
	public void stopConnecting() {
		if (this.closed) {
			return;
		}
		this.suspended = true; // no new attempt from the worker
		if (!this.connects.stop(CONNECTS_WAIT)) {
			logger.debug("Redis connections still opening after " + CONNECTS_WAIT.toMillis() + " ms; stopping anyway");
		}
	}

	/**
	 * Gives up the connections until {@link #resume()}: the application context stops,
	 * and its connection factory with it. Publishes meanwhile wait in the buffer. Waits a
	 * few seconds at most.
	 */
	public void suspend() {
		if (this.closed) {
			return;
		}
		this.suspended = true;
		this.up = false;
		this.publishQueue.setOpen(false);
		// The worker owns the connections: it hands them over, and they are closed here,
		// where waiting is allowed.
		CompletableFuture<Held> handedOver = new CompletableFuture<>();
		onWorker(() -> handedOver.complete(release()));
		try {
			closeQuietly(handedOver.get(5, TimeUnit.SECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("Giving up the Redis connections failed: " + ex);
		}
	}

	/**
	 * Connects again after {@link #suspend()}, through the connection factory's client of
	 * now; in the background, as at {@link #start()}.
	 */
	public void resume() {
		if (this.closed || !this.suspended) {
			return;
		}
		this.upAfterStart = new CompletableFuture<>();
		onWorker(() -> {
			this.everUp = false;
			this.notUpYetLogged = false;
			this.startedAt = 0;
			this.suspended = false;
			this.connects.restart();
			check();
		});
	}

	/** Why the link failed last, for logs. */
	public String lastFailure() {
		return this.lastFailure;
	}

	@Override
	public void forward(String topic, OutboundMessage message) {
		if (!this.closed) {
			this.publishQueue.offer(this.names.channel(topic), this.envelope.encodeUnnumbered(message));
		}
	}

	// ---- hook (link events)
	/** Tells {@code listener} of every later outage and its end. */
	void addLinkListener(LinkListener listener) {
		this.linkListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * Told, for each message another node sent, how many milliseconds passed between its
	 * publish there and its arrival here (by the two nodes' wall clocks).
	 */
	public void onFanoutLag(LongConsumer millis) {
		this.lagListener = Objects.requireNonNull(millis, "millis");
	}

	/** How many times the link came back after an outage. */
	public long reconnectCount() {
		return this.reconnects.sum();
	}
	// ---- end hook

	@Override
	public String mode() {
		return this.names.sharded() ? "redis-cluster" : "redis";
	}

	/**
	 * Whether this node's publishes reach Redis and its subscription receives from it
	 * (see the class notes).
	 */
	@Override
	public boolean isUp() {
		return this.up;
	}

	// ---- for RedisHistory

	/** Who takes the positioned publications that arrive; the receiver releases each. */
	void onPositioned(BiConsumer<String, Envelope.Positioned> receiver) {
		this.positionedReceiver = receiver;
	}

	private static void deliverUnclaimed(String topic, Envelope.Positioned positioned) {
		positioned.message().release(); // no history on this node: its configuration
										// differs from the sender's
	}

	/**
	 * Queues a command in order with the publishes; {@code false} when the buffer is
	 * full.
	 */
	boolean enqueue(PublishQueue.Command command) {
		return !this.closed && this.publishQueue.offer(command);
	}

	@Nullable RedisWire wire() {
		return this.wire;
	}

	ChannelNames names() {
		return this.names;
	}

	CompletableFuture<Void> whenSubscribed(String topic) {
		return this.subscriptions.whenSubscribed(topic);
	}

	ByteBuffer channel(String topic) {
		return this.names.channel(topic);
	}

	Envelope envelope() {
		return this.envelope;
	}

	/** How many times the link went down: names an outage. */
	public long outageCount() {
		return this.outages.get();
	}

	/** This node's id, carried in every envelope. */
	public String nodeId() {
		return this.nodeId;
	}

	/** Publishes Redis has accepted from this node. */
	public long publishedCount() {
		return this.publishQueue.published();
	}

	/**
	 * Publications from other nodes dropped because they were delivered here already (a
	 * sender's resend after a lost reply).
	 */
	public long duplicateCount() {
		return this.duplicates.sum();
	}

	/** Messages from other nodes delivered locally. */
	public long receivedCount() {
		return this.received.sum();
	}

	/** Publishes dropped because the buffer was full while Redis was unreachable. */
	public long droppedCount() {
		return this.publishQueue.dropped();
	}

	/** Publishes waiting to be sent to Redis. */
	public int bufferedCount() {
		return this.publishQueue.buffered();
	}

	/**
	 * Failed publications (each of a failed batch), other failed Redis commands and
	 * undecodable messages.
	 */
	public long errorCount() {
		return this.errors.sum() + this.publishQueue.errors();
	}

	private CompletionStage<?> send(ByteBuffer channel, List<ByteBuffer> bodies) {
		RedisWire target = this.wire;
		if (target == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("Not connected to Redis"));
		}
		// The dispatcher's order is the order Redis sees: ids taken here grow along it.
		for (ByteBuffer body : bodies) {
			this.envelope.number(body);
		}
		return target.publishUnflushed(channel, (bodies.size() == 1) ? bodies.get(0) : Envelope.batch(bodies));
	}

	private void flush() {
		RedisWire target = this.wire;
		if (target != null) {
			target.flush();
		}
	}

	private void onWorker(Runnable task) {
		try {
			this.worker.schedule(task);
		}
		catch (RejectedExecutionException ex) {
			// closed: nothing left to do
		}
	}

	// Worker thread: runs every probe interval; an exception must not end the schedule.
	private void safeCheck() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			this.errors.increment();
			markDown(String.valueOf(ex));
		}
	}

	private void check() {
		if (this.closed || this.suspended) {
			return;
		}
		long now = System.nanoTime();
		warnIfNeverUp(now);
		long timeout = probeTimeout().toNanos();
		if (this.probeSentAt != 0 && now - this.probeSentAt > timeout) {
			if (now - this.lastReply > timeout || now - this.lastMessage > timeout) {
				markDown("no answer from Redis within " + probeTimeout().toMillis() + " ms");
			}
			this.probeSentAt = 0; // give up on that probe, send a fresh one
		}
		RedisWire target = this.wire;
		if (target == null) {
			target = this.wires.get();
			this.wire = target;
		}
		// The wire times publishes out itself, here, on the thread that sends them: a
		// publish Redis never answers fails, goes back into the queue, and marks the
		// link down.
		target.expireUnansweredPublishes();
		if (this.subscription == null) {
			subscribe(target);
			return;
		}
		if (this.probeSentAt == 0) {
			this.probeSentAt = now;
			long sequence = ++this.probeSequence;
			ByteBuffer probe = ByteBuffer.allocate(Long.BYTES).putLong(0, sequence);
			target.publish(this.probeChannel.duplicate(), probe)
				.subscribe((receivers) -> this.lastReply = System.nanoTime(),
						(error) -> onWorker(() -> markDown(String.valueOf(error))));
		}
	}

	// Down is told only after up: without this a node that can never connect would say
	// nothing.
	private void warnIfNeverUp(long now) {
		if (this.startedAt == 0) {
			this.startedAt = now;
		}
		else if (!this.everUp && !this.notUpYetLogged && now - this.startedAt > NOT_UP_YET_WARNING.toNanos()
				&& !connectionFactoryStopped()) {
			this.notUpYetLogged = true;
			logger.warn("Redis fan-out of node " + this.nodeId + " is not up " + NOT_UP_YET_WARNING.toSeconds()
					+ " s after start (" + this.lastFailure + "); it keeps trying every "
					+ this.probeInterval.toMillis() + " ms");
		}
	}

	// Three intervals, and never under two seconds: a loaded machine is not a dead link.
	private Duration probeTimeout() {
		Duration three = this.probeInterval.multipliedBy(3);
		return (three.compareTo(MIN_PROBE_TIMEOUT) < 0) ? MIN_PROBE_TIMEOUT : three;
	}

	private void subscribe(RedisWire target) {
		if (this.connecting) {
			return;
		}
		this.connecting = true;
		long generation = this.connectionGeneration;
		target.subscription(this::channelsMoved)
			.timeout(this.probeInterval.multipliedBy(5))
			.subscribe((created) -> onWorker(() -> attach(created, generation)), (error) -> onWorker(() -> {
				if (generation != this.connectionGeneration) {
					return; // given up meanwhile
				}
				this.connecting = false;
				if (LettuceRedisWire.isWithoutAddress(error)) {
					withoutAddress();
					return;
				}
				markDown("cannot open the Redis subscription: " + error);
			}));
	}

	// A Lettuce connection factory of a static master/replica setup whose nodes were not
	// given: it can never connect.
	private void withoutAddress() {
		WsPubSubConfigurationException misconfigured = new WsPubSubConfigurationException(
				"The Redis connection factory's Lettuce client has no address of its own: a static master/replica"
						+ " setup whose nodes the Redis fan-out was not given.",
				"Configure the nodes with spring.data.redis.masterreplica.nodes, or declare the"
						+ " RedisStaticMasterReplicaConfiguration as a bean, so that the fan-out finds them.");
		markDown(misconfigured.getMessage());
		this.upAfterStart.completeExceptionally(misconfigured);
		if (!this.withoutAddressLogged) {
			this.withoutAddressLogged = true;
			logger.error("Redis fan-out of node " + this.nodeId + " cannot connect: " + misconfigured.getMessage());
		}
	}

	// Any thread: a cluster's topology changed, or Redis dropped a shard channel whose
	// slot moved.
	private void channelsMoved() {
		if (this.movedResyncScheduled.compareAndSet(false, true)) {
			try {
				this.worker.schedule(() -> {
					this.movedResyncScheduled.set(false);
					if (!this.closed) {
						this.subscriptions.resync();
					}
				}, MOVED_RESYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// closed
			}
		}
	}

	private void attach(RedisWire.Subscription created, long generation) {
		if (generation != this.connectionGeneration) {
			created.cancel().subscribe(null, (error) -> logger.debug("Closing a Redis subscription failed: " + error));
			return; // given up meanwhile: it came through the connections of before
		}
		this.connecting = false;
		if (this.closed || this.suspended) {
			created.cancel().subscribe(null, (error) -> logger.debug("Closing a Redis subscription failed: " + error));
			return;
		}
		this.subscription = created;
		this.receiving = created.receive()
			.subscribe(this::onMessage, (error) -> onWorker(() -> lost(created, String.valueOf(error))),
					() -> onWorker(() -> lost(created, "the message stream ended")));
		this.subscriptions.attach(created);
		check(); // the first probe now, not an interval later: until it is back,
					// publishes are held for Redis
	}

	private void lost(RedisWire.Subscription lost, String reason) {
		if (this.subscription == lost) {
			this.subscription = null;
			this.subscriptions.detach();
			if (connectionFactoryStopped() || this.closed || this.suspended) {
				// The factory closed its connections: the application is stopping.
				markDown("the Redis subscription was lost: " + reason);
				return;
			}
			logger.info("Redis subscription of node " + this.nodeId + " ended (" + reason + "); opening a new one");
			// Its connection may still be open and subscribed in Redis: close it, or its
			// channels would
			// stay subscribed there beside those of the new subscription.
			lost.cancel()
				.subscribe(null, (error) -> logger.debug("Closing a lost Redis subscription failed: " + error));
			markDown("the Redis subscription was lost: " + reason);
		}
	}

	// Lettuce's thread: deliver inline, the registry hands off to event loops itself.
	private void onMessage(RedisWire.Message message) {
		this.lastMessage = System.nanoTime();
		ByteBuffer channel = message.channel();
		if (channel.equals(this.probeChannel)) {
			long sequence = message.body().getLong(0);
			onWorker(() -> probeReturned(sequence));
			return;
		}
		String topic = this.names.topic(channel);
		if (topic == null) {
			return;
		}
		ByteBuffer body = message.body();
		long source = message.source();
		if (Envelope.version(body) != Envelope.VERSION_BATCH) {
			onEnvelope(topic, body, source);
			return;
		}
		List<ByteBuffer> envelopes;
		try {
			envelopes = Envelope.unbatch(body);
		}
		catch (IllegalArgumentException ex) {
			this.errors.increment();
			logMalformedBatch(topic, ex);
			return;
		}
		// Each as if it had come alone.
		for (ByteBuffer envelope : envelopes) {
			onEnvelope(topic, envelope, source);
		}
	}

	private void onEnvelope(String topic, ByteBuffer body, long source) {
		// ---- hook (fan-out lag): publish-to-receive time of what other nodes sent
		long sentAt = this.envelope.sentByOtherAt(body);
		if (sentAt > 0) {
			this.lagListener.accept(System.currentTimeMillis() - sentAt);
		}
		// ---- end hook
		if (isRepeat(body, source)) {
			return;
		}
		if (Envelope.isPositioned(body)) {
			Envelope.Positioned positioned;
			try {
				positioned = this.envelope.decodePositioned(body, this.allocator);
			}
			catch (RuntimeException ex) {
				this.errors.increment();
				logger.debug("Ignoring a message on topic '" + topic + "' from Redis: " + ex);
				return;
			}
			if (!positioned.own()) {
				this.received.increment();
			}
			this.positionedReceiver.accept(topic, positioned);
			return;
		}
		OutboundMessage decoded;
		try {
			decoded = this.envelope.decode(body, this.allocator);
		}
		catch (RuntimeException ex) {
			this.errors.increment();
			logger.debug("Ignoring a message on topic '" + topic + "' from Redis: " + ex);
			return;
		}
		if (decoded == null) {
			return; // our own publish, delivered locally already
		}
		this.received.increment();
		try {
			this.registry.deliver(topic, decoded, null);
		}
		finally {
			decoded.release();
		}
	}

	// A malformed batch comes from a faulty or foreign publisher: worth a line, once in a
	// while.
	private void logMalformedBatch(String topic, IllegalArgumentException ex) {
		long now = System.nanoTime();
		long last = this.lastMalformedLog.get();
		if (now - last >= MALFORMED_LOG_INTERVAL_NANOS && this.lastMalformedLog.compareAndSet(last, now)) {
			logger.warn("Dropped a malformed batch of publications on topic '" + topic + "' from Redis ("
					+ ex.getMessage() + "); none of it was delivered. Further ones are counted as errors and logged"
					+ " at most every " + MALFORMED_LOG_INTERVAL_NANOS / 1_000_000_000L + " s");
		}
		else {
			logger.debug("Dropped a malformed batch of publications on topic '" + topic + "' from Redis: " + ex);
		}
	}

	// Another node's publication delivered here before: its sender resent it.
	private boolean isRepeat(ByteBuffer body, long source) {
		if (!Envelope.isIdentified(body)) {
			return false;
		}
		long incarnation = Envelope.incarnation(body);
		if (incarnation == this.envelope.incarnation()) {
			return false; // our own: skipped below, or told apart by RedisHistory
		}
		if (this.delivered.firstDelivery(incarnation, source, Envelope.publishId(body))) {
			return false;
		}
		this.duplicates.increment();
		return true;
	}

	private void probeReturned(long sequence) {
		if (sequence == this.probeSequence) {
			this.probeSentAt = 0;
		}
		// Even a late probe has just made the round trip: the link works now.
		if (!this.up && !this.closed) {
			// Lettuce resubscribes on reconnect too; this also covers what changed
			// meanwhile.
			this.subscriptions.resync();
			this.up = true;
			this.everUp = true;
			this.upAfterStart.complete(null);
			this.publishQueue.setOpen(true);
			logger.info("Redis fan-out of node " + this.nodeId + " is up");
			// ---- hook (link events)
			Instant since = this.downAt;
			if (since != null) {
				this.downAt = null;
				this.reconnects.increment();
				Instant now = Instant.now();
				this.linkListeners.forEach((listener) -> listener.up(since, now));
			}
			// ---- end hook
		}
	}

	private void linkFailed(Throwable error) {
		onWorker(() -> markDown(String.valueOf(error)));
	}

	private void markDown(String reason) {
		this.lastFailure = reason;
		if (this.up) {
			this.up = false;
			this.outages.incrementAndGet();
			this.publishQueue.setOpen(false);
			String message = "Redis fan-out of node " + this.nodeId + " is down (" + reason + "); local delivery"
					+ " continues, publishes for other nodes are buffered (" + this.publishQueue.buffered() + " now)";
			if (connectionFactoryStopped() || this.closed || this.suspended) {
				logger.debug(message); // the application is stopping: no outage
			}
			else {
				logger.warn(message);
				// ---- hook (link events)
				Instant now = Instant.now();
				this.downAt = now;
				this.linkListeners.forEach((listener) -> listener.down(now));
				// ---- end hook
			}
		}
	}

	/**
	 * Whether Spring has stopped the connection factory. At shutdown it stops before this
	 * fan-out is closed, and closes every connection it made on the way.
	 */
	private boolean connectionFactoryStopped() {
		return this.connectionFactory instanceof Lifecycle lifecycle && !lifecycle.isRunning();
	}

	/** Unsubscribes and closes the connections; waits a few seconds at most. */
	@Override
	public void close() {
		this.closed = true;
		this.up = false;
		this.publishQueue.setOpen(false);
		Disposable beat = this.heartbeat;
		if (beat != null) {
			beat.dispose();
		}
		// Once the worker has stopped, its state is safe to read from this thread.
		this.worker.disposeGracefully().timeout(Duration.ofSeconds(5)).onErrorResume((ex) -> {
			this.worker.dispose();
			return Mono.empty();
		}).block();
		// Closed without a stop (a start that failed later): the connection factory is
		// destroyed next.
		this.connects.stop(CONNECTS_WAIT);
		closeQuietly(release());
	}

	/** The connections given up, to close. */
	private record Held(RedisWire.@Nullable Subscription subscription, @Nullable RedisWire wire) {
	}

	// Worker thread, or once it has stopped: forgets the connections.
	private Held release() {
		this.connectionGeneration++;
		this.connecting = false;
		this.probeSentAt = 0;
		Disposable stream = this.receiving;
		this.receiving = null;
		if (stream != null) {
			stream.dispose();
		}
		RedisWire.Subscription current = this.subscription;
		this.subscription = null;
		if (current != null) {
			this.subscriptions.detach();
		}
		RedisWire open = this.wire;
		this.wire = null;
		return new Held(current, open);
	}

	private void closeQuietly(Held held) {
		RedisWire.Subscription current = held.subscription();
		RedisWire open = held.wire();
		if (connectionFactoryStopped()) {
			// Closed with the factory already: an UNSUBSCRIBE would wait for an answer
			// that cannot come.
			return;
		}
		try {
			if (current != null) {
				current.cancel().block(Duration.ofSeconds(2));
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Closing the Redis subscription failed: " + ex);
		}
		if (open != null) {
			try {
				open.close().block(Duration.ofSeconds(2));
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the Redis connection failed: " + ex);
			}
		}
	}

	/**
	 * How a node's link to Redis is named and paced.
	 *
	 * @param nodeId this node's id, unique in the cluster, 1 to 255 bytes in UTF-8
	 * @param channelPrefix prepended to each topic to name its Redis channel; on a
	 * cluster it must not contain braces
	 * @param publishBuffer publishes held while Redis is unreachable before dropping
	 * @param probeInterval how often the link is checked; it is down after three
	 * intervals without an answer
	 * @param batchPublishes whether publications of one channel queued together go out as
	 * one publish, which nodes of versions before batching cannot read
	 */
	public record Settings(String nodeId, String channelPrefix, int publishBuffer, Duration probeInterval,
			boolean batchPublishes) {

	}

}
