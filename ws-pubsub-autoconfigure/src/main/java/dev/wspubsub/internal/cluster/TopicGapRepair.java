package dev.wspubsub.internal.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.history.Epochs;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.SubscriptionListener;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers the publications of topics with history to this node's subscribers in stream
 * order, each once, and repairs the gaps a node sees (a publication lost while its
 * subscription to Redis was cut): per topic with local subscribers it knows the last
 * offset it delivered. A publication that is not the next one is held; unless the missing
 * ones arrive within a moment, the node reads them from the topic's stream, once for all
 * its subscribers, and delivers them in order before the held ones. When the link comes
 * back every such topic is read from its last offset, so a gap at the end of a burst is
 * repaired too. When that is impossible (the epoch changed, the stream was trimmed past
 * the gap) every local subscriber of the topic is told, with the position live delivery
 * goes on from ({@link TopicRegistry#reset}): by default the notice
 * {@code {"type":"topic_reset","topic":..,"epoch":..,"offset":..}}, which an endpoint's
 * {@code @OnTopicReset} method may replace.
 *
 * <p>
 * Each topic's state is guarded by its own lock. Publications come from two connections
 * (Redis' answers to this node's appends, and the subscription), each on its own event
 * loop, and an event loop hands work to the others in batches of its own: so deliveries
 * are queued under the lock to one thread, which hands them to the subscribers' loops in
 * that order.
 */
public final class TopicGapRepair implements SubscriptionListener, LinkListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(TopicGapRepair.class);

	/** Most publications held behind one gap: past it the topic is reset. */
	static final int MAX_HELD = 10_000;

	/** Epochs of a topic remembered after it moved on, for their late publications. */
	private static final int MAX_EARLIER_EPOCHS = 4;

	/** Reads that may fail in a row before the topic is reset. */
	private static final int MAX_ATTEMPTS = 3;

	/** Reads what a topic published after a position: its history's answer. */
	@FunctionalInterface
	public interface StreamReader {

		CompletableFuture<Recovery> readSince(String topic, StreamPosition since);

	}

	/** Why a topic was reset: a tag value of the resets meter. */
	public enum ResetCause {

		/** The topic's epoch changed: its history restarted. */
		EPOCH,
		/** The history no longer holds the missed publications. */
		TRIMMED,
		/** The history could not be read. */
		UNAVAILABLE,
		/** Too many publications were held behind one gap. */
		OVERFLOW

	}

	private final TopicRegistry registry;

	private final StreamReader reader;

	private final PayloadEncoder encoder;

	private final Duration grace;

	private final Scheduler timer = Schedulers.parallel();

	private final ExecutorService deliveries = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "ws-pubsub-history-delivery");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, State> topics = new ConcurrentHashMap<>();

	private final LongAdder repaired = new LongAdder();

	private final Map<ResetCause, LongAdder> resets = new ConcurrentHashMap<>();

	/**
	 * @param grace how long a gap may wait for its publications to arrive on their own
	 * (one node's reply and another's echo may cross) before the stream is read
	 */
	public TopicGapRepair(TopicRegistry registry, StreamReader reader, PayloadEncoder encoder, Duration grace) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.reader = Objects.requireNonNull(reader, "reader");
		this.encoder = Objects.requireNonNull(encoder, "encoder");
		this.grace = Objects.requireNonNull(grace, "grace");
		for (ResetCause cause : ResetCause.values()) {
			this.resets.put(cause, new LongAdder());
		}
	}

	/**
	 * Delivers {@code message}, which carries its position, in its topic's order: now, or
	 * once what comes before it has been. The caller keeps its reference.
	 */
	public void accept(String topic, OutboundMessage message, @Nullable TopicSubscriber excluded) {
		StreamPosition position = Objects.requireNonNull(message.position(), "position");
		offer(topic, position, message, excluded);
	}

	/**
	 * Takes note of a publication this node's subscribers already got without its
	 * position (while the link was down): nothing is delivered for it, but it keeps its
	 * place in the order.
	 */
	public void deliveredWithoutPosition(String topic, StreamPosition position) {
		offer(topic, position, null, null);
	}

	private void offer(String topic, StreamPosition position, @Nullable OutboundMessage message,
			@Nullable TopicSubscriber excluded) {
		if (!this.registry.hasSubscribers(topic)) {
			return;
		}
		State state = this.topics.computeIfAbsent(topic, State::new);
		synchronized (state) {
			if (state.epoch == null) {
				// The first since this node had subscribers: the order starts here.
				state.epoch = position.epoch();
				state.last = position.offset() - 1;
				state.startOffset = position.offset();
				state.startNanos = System.nanoTime();
			}
			else if (!state.epoch.equals(position.epoch())) {
				if (!Epochs.isLater(position.epoch(), state.epoch)) {
					// Overtaken on the other connection by the epoch after it.
					deliverLate(state, position, message, excluded);
					return;
				}
				beginEpoch(state, position.epoch());
			}
			if (position.offset() <= state.last) {
				if (crossedTheStart(state, position) && message != null) {
					handOver(topic, message.retain(), excluded);
				}
				return; // delivered already, or published before this node's subscribers
			}
			if (position.offset() == state.last + 1) {
				deliver(state, new Held(message, excluded));
				deliverHeld(state);
				return;
			}
			if (state.held.size() >= MAX_HELD) {
				logger.warn("More than " + MAX_HELD + " publications of topic '" + topic
						+ "' wait behind a gap; resetting it");
				reset(state, new StreamPosition(position.epoch(), position.offset() - 1), ResetCause.OVERFLOW);
				deliver(state, new Held(message, excluded));
				return;
			}
			state.held.computeIfAbsent(position.offset(),
					(offset) -> new Held((message != null) ? message.retain() : null, excluded));
			if (!state.repairScheduled) {
				state.repairScheduled = true;
				int generation = state.generation;
				this.timer.schedule(() -> repair(state, generation), this.grace.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
	}

	// ---- link and subscriptions

	/** Repairs every tracked topic when {@code fanout}'s link comes back. */
	public void listenTo(RedisFanout fanout) {
		fanout.addLinkListener(this);
	}

	@Override
	public void down(Instant downAt) {
	}

	/**
	 * Reads every tracked topic from its last offset: what was missed during the outage.
	 */
	@Override
	public void up(Instant downAt, Instant upAt) {
		linkResumed();
	}

	/** Checks every tracked topic's stream for publications this node may have missed. */
	public void linkResumed() {
		for (State state : this.topics.values()) {
			synchronized (state) {
				if (state.epoch != null && !state.repairScheduled) {
					state.repairScheduled = true;
					int generation = state.generation;
					this.timer.schedule(() -> repair(state, generation));
				}
			}
		}
	}

	@Override
	public void onSubscriptionChange(String topic, int newCount, int oldCount) {
		// Leaving zero or reaching it, the order starts again with the next publication:
		// a later subscriber must not be handed what was published while nobody here
		// listened.
		if (newCount == 0 || oldCount == 0) {
			State state = this.topics.remove(topic);
			if (state != null) {
				synchronized (state) {
					state.forget();
				}
			}
		}
	}

	// ---- repair

	private void repair(State state, int generation) {
		StreamPosition since;
		synchronized (state) {
			if (state.generation != generation || state.epoch == null) {
				return;
			}
			since = new StreamPosition(state.epoch, state.last);
		}
		CompletableFuture<Recovery> read;
		try {
			read = this.reader.readSince(state.topic, since);
		}
		catch (RuntimeException ex) {
			read = CompletableFuture.failedFuture(ex);
		}
		read.whenComplete((recovery, error) -> repaired(state, generation, since,
				(error != null) ? Recovery.unavailable() : recovery));
	}

	private void repaired(State state, int generation, StreamPosition since, Recovery recovery) {
		synchronized (state) {
			if (state.generation != generation) {
				return;
			}
			state.repairScheduled = false;
			StreamPosition current = recovery.position();
			if (current == null) {
				if (++state.attempts < MAX_ATTEMPTS) {
					state.repairScheduled = true;
					this.timer.schedule(() -> repair(state, generation), 500, TimeUnit.MILLISECONDS);
					return;
				}
				// Nothing to resume from: the next publication the node sees is where the
				// order goes on.
				StreamPosition resumeAt = new StreamPosition(since.epoch(),
						state.held.isEmpty() ? since.offset() : state.held.firstKey() - 1);
				reset(state, resumeAt, ResetCause.UNAVAILABLE);
				deliverHeld(state);
				return;
			}
			state.attempts = 0;
			if (!recovery.recovered()) {
				if (!current.epoch().equals(since.epoch()) && Epochs.isLater(current.epoch(), since.epoch())) {
					beginEpoch(state, current.epoch());
					if (current.offset() > 0) {
						state.repairScheduled = true;
						int next = state.generation;
						this.timer.schedule(() -> repair(state, next));
					}
					return;
				}
				reset(state, current, current.epoch().equals(since.epoch()) ? ResetCause.TRIMMED : ResetCause.EPOCH);
				deliverHeld(state);
				return;
			}
			boolean filled = false;
			for (Publication publication : recovery.publications()) {
				long offset = publication.position().offset();
				if (offset <= state.last) {
					continue;
				}
				Held held = state.held.remove(offset);
				if (held == null) {
					filled = true;
					held = new Held(OutboundMessage.positioned(this.encoder.allocator(), publication.payload(),
							publication.text(), false, publication.position()), null);
				}
				try {
					deliver(state, held);
				}
				finally {
					held.release();
				}
			}
			if (filled) {
				this.repaired.increment();
			}
			deliverHeld(state);
			if (!state.held.isEmpty() && !state.repairScheduled) {
				// Still a gap past what the read saw: publications on their way; look
				// again.
				state.repairScheduled = true;
				this.timer.schedule(() -> repair(state, generation), this.grace.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
	}

	// ---- under the state's lock

	private void deliver(State state, Held held) {
		if (held.message != null) {
			handOver(state.topic, held.message.retain(), held.excluded);
		}
		state.last++;
	}

	/** Queues a delivery behind those queued before it; takes over {@code message}. */
	private void handOver(String topic, OutboundMessage message, @Nullable TopicSubscriber excluded) {
		try {
			this.deliveries.execute(() -> {
				try {
					this.registry.deliver(topic, message, excluded);
				}
				finally {
					message.release();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			message.release(); // closed: the application is stopping
		}
	}

	/** Takes no more deliveries; those queued still run. */
	@Override
	public void close() {
		this.deliveries.shutdown();
	}

	/** Delivers what was held while it follows on. */
	private void deliverHeld(State state) {
		while (!state.held.isEmpty() && state.held.firstKey() <= state.last + 1) {
			Map.Entry<Long, Held> first = state.held.pollFirstEntry();
			Held held = first.getValue();
			try {
				if (first.getKey() == state.last + 1) {
					deliver(state, held);
				}
			}
			finally {
				held.release();
			}
		}
	}

	/**
	 * Whether a publication from before the one the order started with arrived within the
	 * grace after it, for the first time: one this node's other connection had on its way
	 * (this node's own, whose answer the other node's echo overtook), not one published
	 * before this node had subscribers.
	 */
	private boolean crossedTheStart(State state, StreamPosition position) {
		return position.offset() < state.startOffset && System.nanoTime() - state.startNanos < this.grace.toNanos()
				&& state.crossedTheStart.add(position.offset());
	}

	/**
	 * The topic's history began again (Redis came back empty, or a node's outage began a
	 * new epoch): what this node holds of the old epoch is delivered as it is, gaps and
	 * all, as its stream is gone; then every local subscriber is told to resume from the
	 * start of the new one, whose publications follow from its first (read from the
	 * stream if they are not all here), so a publication of this node is never lost to a
	 * change of epoch.
	 */
	private void beginEpoch(State state, String epoch) {
		for (Map.Entry<Long, Held> entry : state.held.entrySet()) {
			state.last = entry.getKey() - 1;
			deliver(state, entry.getValue());
			entry.getValue().release();
		}
		state.held.clear();
		state.rememberEarlier(Objects.requireNonNull(state.epoch), state.last);
		this.resets.get(ResetCause.EPOCH).increment();
		StreamPosition start = new StreamPosition(epoch, 0);
		logger.info("Topic '" + state.topic
				+ "' began a new epoch; its subscribers on this node are told to resume from " + start);
		state.generation++;
		state.repairScheduled = false;
		state.attempts = 0;
		state.epoch = epoch;
		state.last = 0;
		state.startOffset = 0;
		sendNotice(state.topic, start);
	}

	/**
	 * A publication of an earlier epoch, overtaken by the later one: delivered unless it
	 * was already, so that none is lost, though it comes after the reset notice.
	 */
	private void deliverLate(State state, StreamPosition position, @Nullable OutboundMessage message,
			@Nullable TopicSubscriber excluded) {
		Long delivered = state.earlier.get(position.epoch());
		if (delivered != null && position.offset() <= delivered) {
			return;
		}
		state.rememberEarlier(position.epoch(), position.offset());
		if (message != null) {
			handOver(state.topic, message.retain(), excluded);
		}
	}

	/**
	 * Tells every local subscriber to reload and resume from {@code current}, and goes on
	 * from there: what was held up to it is dropped (the reload covers it).
	 */
	private void reset(State state, StreamPosition current, ResetCause cause) {
		this.resets.get(cause).increment();
		logger.info("Topic '" + state.topic + "' cannot be repaired on this node (" + cause.name().toLowerCase()
				+ "); its subscribers are told to resume from " + current);
		boolean sameEpoch = current.epoch().equals(state.epoch);
		state.generation++;
		state.repairScheduled = false;
		state.attempts = 0;
		state.epoch = current.epoch();
		state.last = current.offset();
		state.startOffset = 0;
		if (!sameEpoch) {
			state.releaseHeld();
		}
		else {
			while (!state.held.isEmpty() && state.held.firstKey() <= current.offset()) {
				state.held.pollFirstEntry().getValue().release();
			}
		}
		sendNotice(state.topic, current);
	}

	/**
	 * Queued behind the deliveries before it, so the notice keeps its place in the order.
	 */
	private void sendNotice(String topic, StreamPosition current) {
		OutboundMessage notice = this.encoder.encode(defaultNotice(topic, current), false);
		try {
			this.deliveries.execute(() -> {
				try {
					this.registry.reset(topic, current, notice);
				}
				finally {
					notice.release();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			notice.release(); // closed: the application is stopping
		}
	}

	/** {@code {"type":"topic_reset","topic":..,"epoch":..,"offset":..}}. */
	static Map<String, Object> defaultNotice(String topic, StreamPosition current) {
		Map<String, Object> notice = new LinkedHashMap<>();
		notice.put("type", "topic_reset");
		notice.put("topic", topic);
		notice.put("epoch", current.epoch());
		notice.put("offset", current.offset());
		return notice;
	}

	// ---- meters

	/** Gaps filled from a topic's stream. */
	public long repairedCount() {
		return this.repaired.sum();
	}

	/** Topics reset for {@code cause}. */
	public long resetCount(ResetCause cause) {
		return this.resets.get(cause).sum();
	}

	/** One topic with local subscribers: where its order stands. */
	private static final class State {

		final String topic;

		@Nullable String epoch;

		long last;

		final TreeMap<Long, Held> held = new TreeMap<>();

		/**
		 * Where the order started, when, and what arrived from before it in the grace.
		 */
		long startOffset;

		long startNanos;

		final Set<Long> crossedTheStart = new HashSet<>();

		/**
		 * The last offsets delivered of the epochs before this one, newest last: a
		 * publication of one of them may still be on its way on the other connection.
		 */
		final LinkedHashMap<String, Long> earlier = new LinkedHashMap<>();

		boolean repairScheduled;

		int attempts;

		/** Changes on a reset or a forget: a read begun before is then ignored. */
		int generation;

		State(String topic) {
			this.topic = topic;
		}

		void releaseHeld() {
			this.held.values().forEach(Held::release);
			this.held.clear();
		}

		void forget() {
			this.generation++;
			this.epoch = null;
			this.crossedTheStart.clear();
			this.earlier.clear();
			releaseHeld();
		}

		void rememberEarlier(String epoch, long last) {
			this.earlier.put(epoch, last);
			while (this.earlier.size() > MAX_EARLIER_EPOCHS) {
				this.earlier.remove(this.earlier.keySet().iterator().next());
			}
		}

	}

	/** A publication waiting for its turn; no message when delivered here already. */
	private record Held(@Nullable OutboundMessage message, @Nullable TopicSubscriber excluded) {

		void release() {
			if (this.message != null) {
				this.message.release();
			}
		}

	}

}
