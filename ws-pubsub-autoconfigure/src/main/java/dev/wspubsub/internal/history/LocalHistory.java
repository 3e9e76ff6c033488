package dev.wspubsub.internal.history;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.HistoryRules;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Histories kept in this node's memory, one bounded log per topic: the default, and what
 * local fan-out uses. Each topic's epoch is made when its log is, so a restart changes
 * it. A log that has been neither written nor read for its rule's ttl is dropped (its
 * epoch with it), so free-form topic names do not pile up; a read never makes one.
 *
 * <p>
 * A publish records, numbers and delivers under its topic's lock, and a read takes the
 * same lock: a reader sees exactly the publications whose delivery began before it, which
 * is what lets a resubscribe drop the live copies of what it replayed.
 */
public final class LocalHistory implements TopicHistory, AutoCloseable {

	private final HistoryRules rules;

	private final TopicRegistry registry;

	private final ByteBufAllocator allocator;

	private final BiConsumer<String, OutboundMessage> forward;

	private final Map<String, Log> logs = new ConcurrentHashMap<>();

	private final @Nullable ScheduledExecutorService sweeper;

	/**
	 * @param forward hands each stamped publication to the other nodes, if any (a user's
	 * own fan-out; their subscribers see this node's positions)
	 */
	public LocalHistory(HistoryRules rules, TopicRegistry registry, ByteBufAllocator allocator,
			BiConsumer<String, OutboundMessage> forward) {
		this.rules = Objects.requireNonNull(rules, "rules");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.allocator = Objects.requireNonNull(allocator, "allocator");
		this.forward = Objects.requireNonNull(forward, "forward");
		if (rules.isEmpty()) {
			this.sweeper = null;
		}
		else {
			long period = Math.max(100, Math.min(60_000,
					rules.rules().stream().map(HistoryRule::ttl).min(Duration::compareTo).orElseThrow().toMillis()));
			this.sweeper = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "ws-pubsub-history-sweeper");
				thread.setDaemon(true);
				return thread;
			});
			this.sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public HistoryRules rules() {
		return this.rules;
	}

	@Override
	public CompletableFuture<@Nullable StreamPosition> publish(String topic, HistoryRule rule, OutboundMessage message,
			@Nullable TopicSubscriber excluded) {
		byte[] payload = message.bytes();
		while (true) {
			Log log = this.logs.computeIfAbsent(topic, (name) -> new Log());
			synchronized (log) {
				if (log.retired) {
					continue; // swept meanwhile: a new life begins
				}
				StreamPosition position = new StreamPosition(log.epoch, ++log.offset);
				byte[] stamped = rule.stampPosition() ? PositionStamp.stamp(payload, message.isText(), position)
						: payload;
				log.append(new Entry(position, stamped, message.isText(), System.nanoTime()), rule.size());
				// A copy of its own: the log's array goes out to replays as a
				// Publication's payload.
				OutboundMessage positioned = OutboundMessage.positioned(this.allocator, stamped.clone(),
						message.isText(), message.compress(), position);
				try {
					this.registry.deliver(topic, positioned, excluded);
					this.forward.accept(topic, positioned);
				}
				finally {
					positioned.release();
				}
				return CompletableFuture.completedFuture(position);
			}
		}
	}

	@Override
	public CompletableFuture<Recovery> read(String topic, HistoryRule rule, @Nullable StreamPosition since,
			int latest) {
		Log log = this.logs.get(topic);
		if (log != null) {
			synchronized (log) {
				if (!log.retired) {
					return CompletableFuture.completedFuture(log.read(rule.ttl(), since, latest));
				}
			}
		}
		// No history: answered without making one, so reading free-form names keeps
		// nothing. The first publication begins an epoch of its own, so a resume from
		// this
		// position is told it was not recovered rather than silently continued.
		return CompletableFuture.completedFuture(new Recovery(false, new StreamPosition(Epochs.next(), 0), List.of()));
	}

	/** Topics with a log in memory. */
	int topicCount() {
		return this.logs.size();
	}

	private void sweep() {
		long now = System.nanoTime();
		for (Map.Entry<String, Log> each : this.logs.entrySet()) {
			HistoryRule rule = this.rules.ruleFor(each.getKey());
			Log log = each.getValue();
			synchronized (log) {
				if (rule == null || now - log.touched > rule.ttl().toNanos()) {
					log.retired = true;
					this.logs.remove(each.getKey(), log);
				}
			}
		}
	}

	@Override
	public void close() {
		if (this.sweeper != null) {
			this.sweeper.shutdownNow();
		}
	}

	private record Entry(StreamPosition position, byte[] payload, boolean text, long at) {
	}

	/**
	 * One topic's life: its epoch, its last offset and its newest entries. Guarded by
	 * itself.
	 */
	private static final class Log {

		final String epoch = Epochs.next();

		final ArrayDeque<Entry> entries = new ArrayDeque<>();

		long offset;

		long touched = System.nanoTime();

		boolean retired;

		void append(Entry entry, int size) {
			this.entries.addLast(entry);
			while (this.entries.size() > size) {
				this.entries.removeFirst();
			}
			this.touched = entry.at();
		}

		Recovery read(Duration ttl, @Nullable StreamPosition since, int latest) {
			long now = System.nanoTime();
			this.touched = now;
			while (!this.entries.isEmpty() && now - this.entries.peekFirst().at() > ttl.toNanos()) {
				this.entries.removeFirst();
			}
			StreamPosition current = new StreamPosition(this.epoch, this.offset);
			if (since != null && since.epoch().equals(this.epoch) && since.offset() <= this.offset) {
				Entry oldest = this.entries.peekFirst();
				long firstKept = (oldest != null) ? oldest.position().offset() : this.offset + 1;
				if (firstKept <= since.offset() + 1) {
					return new Recovery(true, current, after(since.offset()));
				}
			}
			return new Recovery(false, current, newest(latest));
		}

		private List<Publication> after(long offset) {
			List<Publication> found = new ArrayList<>();
			for (Entry entry : this.entries) {
				if (entry.position().offset() > offset) {
					found.add(new Publication(entry.position(), entry.payload(), entry.text()));
				}
			}
			return found;
		}

		private List<Publication> newest(int count) {
			List<Publication> found = new ArrayList<>();
			Iterator<Entry> it = this.entries.descendingIterator();
			while (it.hasNext() && found.size() < count) {
				Entry entry = it.next();
				found.add(0, new Publication(entry.position(), entry.payload(), entry.text()));
			}
			return found;
		}

	}

}
