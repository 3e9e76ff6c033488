package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.history.Epochs;
import dev.wspubsub.internal.history.PositionStamp;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.HistoryRules;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.buffer.ByteBufAllocator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Histories kept in Redis, so positions are cluster-wide: every node sees the same
 * position for the same publication. One stream per topic, trimmed to the rule's size and
 * expired by its ttl, with the epoch and the offset counter beside it (see
 * {@link HistoryScripts}); one script appends, numbers and publishes, so positions follow
 * the order in which Redis runs the publishes, and every node delivers in that order.
 *
 * <ul>
 * <li>A publication of a topic with history reaches this node's subscribers once Redis
 * has numbered it: with a {@link TopicGapRepair} ({@link #repairGaps}), when Redis
 * answers the append, and in stream order with everyone else's, gaps repaired; without
 * one, through its echo like everyone else's.</li>
 * <li>While the link to Redis is down, a publication is delivered to this node's
 * subscribers at once, without a position, and queued for the others; when it reaches
 * Redis its topic begins a new epoch first, so a client resuming from before the outage
 * is told it cannot be recovered instead of silently missing what it never got.</li>
 * <li>A read waits until this node's subscription to the topic is confirmed, so the live
 * messages after what it read are sure to arrive; it answers "unavailable" within
 * {@code timeout} when Redis does not.</li>
 * </ul>
 */
public final class RedisHistory implements TopicHistory {

	private static final Log logger = LogFactory.getLog(RedisHistory.class);

	/**
	 * Past this many publishes whose own echo is awaited, the oldest are forgotten: their
	 * echo is not coming.
	 */
	private static final int MAX_AWAITED_ECHOES = 10_000;

	private final HistoryRules rules;

	private final RedisFanout fanout;

	private final TopicRegistry registry;

	private final ByteBufAllocator allocator;

	private final Duration timeout;

	/**
	 * Topics whose continuity this node broke by dropping a publication (its buffer for
	 * Redis was full): the next publication of each that reaches Redis begins a new
	 * epoch.
	 */
	private final Map<String, String> pendingResets = new ConcurrentHashMap<>();

	/**
	 * This node's publishes whose echo from Redis delivers them here (without a gap
	 * repair), by publish id: who is not to get each, and whether a failed send delivered
	 * it already.
	 */
	private final Map<Long, Append> awaitedEchoes = new ConcurrentHashMap<>();

	// ---- hook (gap repair): delivers positioned publications in order, once; none
	// until set
	private volatile @Nullable TopicGapRepair gapRepair;

	/**
	 * Delivers this node's publications when Redis answers their append, and everyone's
	 * through {@code repair}: in stream order, gaps repaired.
	 */
	public void repairGaps(TopicGapRepair repair) {
		this.gapRepair = Objects.requireNonNull(repair, "repair");
	}
	// ---- end hook

	/**
	 * @param timeout how long a read may take before it answers "unavailable"
	 */
	public RedisHistory(HistoryRules rules, RedisFanout fanout, TopicRegistry registry, ByteBufAllocator allocator,
			Duration timeout) {
		this.rules = Objects.requireNonNull(rules, "rules");
		this.fanout = Objects.requireNonNull(fanout, "fanout");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.allocator = Objects.requireNonNull(allocator, "allocator");
		this.timeout = Objects.requireNonNull(timeout, "timeout");
		fanout.onPositioned(this::received);
	}

	@Override
	public HistoryRules rules() {
		return this.rules;
	}

	@Override
	public CompletableFuture<@Nullable StreamPosition> publish(String topic, HistoryRule rule, OutboundMessage message,
			@Nullable TopicSubscriber excluded) {
		Append append = new Append(topic, rule, message.bytes(), message.isText(), message.compress(),
				this.fanout.envelope().nextPublishId(), excluded, this.pendingResets.get(topic));
		if (!this.fanout.isUp()) {
			append.deliverHere();
		}
		else if (this.gapRepair == null) {
			if (this.awaitedEchoes.size() >= MAX_AWAITED_ECHOES) {
				long oldest = append.publishId - MAX_AWAITED_ECHOES;
				this.awaitedEchoes.keySet().removeIf((id) -> id < oldest);
			}
			this.awaitedEchoes.put(append.publishId, append);
		}
		if (!this.fanout.enqueue(append)) {
			// The buffer for Redis is full: this node's subscribers still get it, and no
			// one resumes across the gap.
			append.deliverHere();
			this.pendingResets.put(topic, this.fanout.nodeId() + "/dropped/" + append.publishId);
			append.position.complete(null);
		}
		return append.position;
	}

	// Lettuce's thread: a positioned publication came from Redis, maybe our own.
	private void received(String topic, Envelope.Positioned positioned) {
		try {
			TopicSubscriber excluded = null;
			// ---- hook (gap repair): this node delivered its own when Redis answered
			TopicGapRepair repair = this.gapRepair;
			if (repair != null) {
				if (!positioned.own()) {
					repair.accept(topic, positioned.message(), null);
				}
				return;
			}
			// ---- end hook
			if (positioned.own()) {
				Append append = this.awaitedEchoes.remove(positioned.publishId());
				// A failed send (perhaps one Redis ran, its reply lost) delivered it here
				// already.
				if (positioned.deliveredBySender() || (append != null && !append.claimDelivery())) {
					return;
				}
				excluded = (append != null) ? append.excluded : null;
			}
			this.registry.deliver(topic, positioned.message(), excluded);
		}
		finally {
			positioned.message().release();
		}
	}

	@Override
	public CompletableFuture<Recovery> read(String topic, HistoryRule rule, @Nullable StreamPosition since,
			int latest) {
		if (!this.fanout.isUp()) {
			return CompletableFuture.completedFuture(Recovery.unavailable());
		}
		// A resubscribing client is already in the registry: its live messages must be on
		// their way before the read.
		CompletableFuture<Void> subscribed = this.registry.hasSubscribers(topic) ? this.fanout.whenSubscribed(topic)
				: CompletableFuture.completedFuture(null);
		return subscribed.thenCompose((ready) -> runRead(topic, rule, since, latest))
			.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.exceptionally((error) -> {
				logger.debug("History of topic '" + topic + "' is unavailable: " + error);
				return Recovery.unavailable();
			});
	}

	private CompletableFuture<Recovery> runRead(String topic, HistoryRule rule, @Nullable StreamPosition since,
			int latest) {
		ByteBuffer[] args = { utf8((since != null) ? since.epoch() : ""),
				utf8(Long.toString((since != null) ? since.offset() : 0)), utf8(Integer.toString(latest)),
				utf8(Long.toString(rule.ttl().toMillis())), utf8(Epochs.next()), lineageCheck() };
		return run(HistoryScripts.READ, keys(topic), args).map(RedisHistory::recovery).toFuture();
	}

	private static Recovery recovery(List<Object> answer) {
		String epoch = text(answer.get(0));
		StreamPosition current = new StreamPosition(epoch, Long.parseLong(text(answer.get(1))));
		List<Publication> publications = (answer.size() > 3) ? PackedPublications.unpack(epoch, bytes(answer.get(3)))
				: List.of();
		return new Recovery("1".equals(text(answer.get(2))), current, publications);
	}

	private Mono<List<Object>> run(HistoryScripts.Script script, ByteBuffer[] keys, ByteBuffer[] args) {
		RedisWire wire = this.fanout.wire();
		if (wire == null) {
			return Mono.error(new IllegalStateException("Not connected to Redis"));
		}
		return wire.eval(script, keys, args);
	}

	/**
	 * On a cluster, a history written under another master's replication id begins a new
	 * epoch: the replica promoted after a failure may lack that master's last writes.
	 */
	private ByteBuffer lineageCheck() {
		return utf8(this.fanout.names().sharded() ? "1" : "0");
	}

	// The topic's stream and metadata: one slot on a cluster, with its channel.
	private ByteBuffer[] keys(String topic) {
		ChannelNames names = this.fanout.names();
		return new ByteBuffer[] { names.historyKey(topic), names.historyMetaKey(topic) };
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] bytes(Object value) {
		if (value instanceof ByteBuffer buffer) {
			byte[] bytes = new byte[buffer.remaining()];
			buffer.duplicate().get(bytes);
			return bytes;
		}
		if (value instanceof byte[] array) {
			return array;
		}
		return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
	}

	private static String text(Object value) {
		return new String(bytes(value), StandardCharsets.UTF_8);
	}

	/** One publication on its way to Redis, in order with the node's other publishes. */
	private final class Append implements PublishQueue.Command {

		final String topic;

		final HistoryRule rule;

		final byte[] payload;

		final boolean text;

		final boolean compress;

		final long publishId;

		final @Nullable TopicSubscriber excluded;

		final CompletableFuture<@Nullable StreamPosition> position = new CompletableFuture<>();

		/** Whether this node's subscribers got it already, without a position. */
		volatile boolean deliveredHere;

		/**
		 * Whether a send of it failed: Redis may have run it, so the script is to tell.
		 */
		volatile boolean resent;

		/** Set by the first to deliver it here: the echo, or a failed send. */
		private final AtomicBoolean delivered = new AtomicBoolean();

		/**
		 * Set when its topic must begin a new epoch before it: Redis applies each token
		 * once.
		 */
		volatile @Nullable String resetToken;

		Append(String topic, HistoryRule rule, byte[] payload, boolean text, boolean compress, long publishId,
				@Nullable TopicSubscriber excluded, @Nullable String resetToken) {
			this.resetToken = resetToken;
			this.topic = topic;
			this.rule = rule;
			this.payload = payload;
			this.text = text;
			this.compress = compress;
			this.publishId = publishId;
			this.excluded = excluded;
		}

		/** Delivers to this node's subscribers now, without a position: Redis is away. */
		void deliverHere() {
			if (!claimDelivery()) {
				return; // here already, through its echo: Redis ran a send whose reply
						// was lost
			}
			this.deliveredHere = true;
			RedisHistory.this.awaitedEchoes.remove(this.publishId);
			// One token per outage: the first of its publications to reach Redis starts
			// the new epoch, the rest follow it.
			this.resetToken = RedisHistory.this.fanout.nodeId() + "/" + RedisHistory.this.fanout.outageCount();
			OutboundMessage message = OutboundMessage.bytes(RedisHistory.this.allocator, this.payload, this.text,
					this.compress);
			try {
				RedisHistory.this.registry.deliver(this.topic, message, this.excluded);
			}
			finally {
				message.release();
			}
		}

		boolean claimDelivery() {
			return this.delivered.compareAndSet(false, true);
		}

		@Override
		public Mono<?> send() {
			String reset = this.resetToken;
			boolean deliveredHere = this.deliveredHere;
			int insertAt = PositionStamp.insertionPoint(this.payload, this.text);
			boolean stamp = this.rule.stampPosition() && insertAt >= 0;
			String mode = !stamp ? "0" : PositionStamp.isEmptyObject(this.payload, insertAt) ? "2" : "1";
			ByteBuffer head = stamp ? ByteBuffer.wrap(this.payload, 0, insertAt) : ByteBuffer.wrap(this.payload);
			ByteBuffer tail = stamp ? ByteBuffer.wrap(this.payload, insertAt, this.payload.length - insertAt)
					: ByteBuffer.allocate(0);
			RedisWire wire = RedisHistory.this.fanout.wire();
			ByteBuffer[] args = { RedisHistory.this.fanout.channel(this.topic),
					ByteBuffer.wrap(RedisHistory.this.fanout.envelope()
						.positionedHead(this.text, this.compress, deliveredHere, this.publishId)),
					head.slice(), tail.slice(), utf8(mode), utf8(Integer.toString(this.rule.size())),
					utf8(Long.toString(this.rule.ttl().toMillis())), utf8(Epochs.next()),
					utf8((reset != null) ? reset : ""), utf8(this.text ? "1" : "0"),
					utf8((wire != null) ? wire.publishCommand() : "PUBLISH"), lineageCheck(),
					utf8("d" + RedisHistory.this.fanout.nodeId()),
					utf8(RedisHistory.this.fanout.envelope().incarnation() + " " + this.publishId),
					utf8(this.resent ? "1" : "0") };
			return run(HistoryScripts.PUBLISH, keys(this.topic), args).doOnNext((answer) -> {
				if (reset != null) {
					RedisHistory.this.pendingResets.remove(this.topic, reset);
				}
				if (!deliveredHere && !RedisHistory.this.registry.hasSubscribers(this.topic)) {
					// No echo comes without a subscriber here.
					RedisHistory.this.awaitedEchoes.remove(this.publishId);
				}
				StreamPosition position = new StreamPosition(text(answer.get(0)), Long.parseLong(text(answer.get(1))));
				// ---- hook (gap repair): local delivery waits for Redis' answer, not its
				// echo
				// A resend Redis had run already: delivered here by then, if at all.
				boolean duplicate = answer.size() > 2;
				if (!duplicate || deliveredHere) {
					deliverAppended(position, deliveredHere);
				}
				// ---- end hook
				this.position.complete(deliveredHere ? null : position);
			});
		}

		/** Hands the appended publication, now with its position, to the gap repair. */
		private void deliverAppended(StreamPosition position, boolean deliveredHere) {
			TopicGapRepair repair = RedisHistory.this.gapRepair;
			if (repair == null) {
				return;
			}
			if (deliveredHere) {
				repair.deliveredWithoutPosition(this.topic, position);
				return;
			}
			byte[] stamped = (this.rule.stampPosition()) ? PositionStamp.stamp(this.payload, this.text, position)
					: this.payload;
			OutboundMessage message = OutboundMessage.positioned(RedisHistory.this.allocator, stamped, this.text,
					this.compress, position);
			try {
				repair.accept(this.topic, message, this.excluded);
			}
			finally {
				message.release();
			}
		}

		@Override
		public void failed(boolean retry) {
			this.resent = true;
			deliverHere();
			if (!retry) {
				// Given up: it never reaches Redis, so the topic's next publication that
				// does begins the new epoch.
				RedisHistory.this.pendingResets.put(this.topic,
						RedisHistory.this.fanout.nodeId() + "/dropped/" + this.publishId);
				this.position.complete(null);
			}
		}

	}

}
