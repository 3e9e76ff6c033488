package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.wspubsub.internal.topic.SubscriptionListener;
import dev.wspubsub.internal.topic.TopicRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * Keeps the Redis subscription in step with local interest: a topic's channel is
 * subscribed while the topic has a local subscriber. Subscription events only mark a
 * topic dirty; a flush on the fan-out's single worker thread re-reads the registry's
 * counts (so racing 0 -> 1 and 1 -> 0 events settle on the truth) and sends what changed
 * as a few SUBSCRIBE and UNSUBSCRIBE commands of up to {@value #BATCH} channels each (on
 * a cluster, SSUBSCRIBE and SUNSUBSCRIBE, one per slot, each to its slot's master).
 */
final class ChannelSubscriptions implements SubscriptionListener {

	private static final Log logger = LogFactory.getLog(ChannelSubscriptions.class);

	static final int BATCH = 1000;

	/** Lets a burst of subscription events gather into one flush. */
	private static final long FLUSH_DELAY_MILLIS = 2;

	private final TopicRegistry registry;

	private final ChannelNames names;

	private final Scheduler worker;

	private final LongAdder errors;

	private final Consumer<Throwable> onError;

	private final Runnable onReply;

	private final BooleanSupplier stopping;

	private final Set<String> dirty = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	// Touched on the worker thread only.
	private final Set<String> subscribed = new HashSet<>();

	private RedisWire.@Nullable Subscription subscription;

	private final List<ByteBuffer> extraChannels = new ArrayList<>();

	// Worker thread only: channels Redis has confirmed on the current subscription, and
	// who waits for one.
	private final Set<String> confirmed = new HashSet<>();

	private final Map<String, List<CompletableFuture<Void>>> waiters = new HashMap<>();

	/**
	 * @param onError told when a command fails, so the link is marked down and resynced
	 * when back
	 * @param onReply told when Redis confirms a command: the subscription connection is
	 * alive
	 * @param stopping whether the application is shutting down, its connections closing
	 * under the commands in flight: their failures are no news then
	 */
	ChannelSubscriptions(TopicRegistry registry, ChannelNames names, Scheduler worker, LongAdder errors,
			Consumer<Throwable> onError, Runnable onReply, BooleanSupplier stopping) {
		this.registry = registry;
		this.names = names;
		this.worker = worker;
		this.errors = errors;
		this.onError = onError;
		this.onReply = onReply;
		this.stopping = stopping;
	}

	@Override
	public void onSubscriptionChange(String topic, int newCount, int oldCount) {
		this.dirty.add(topic);
		if (this.flushScheduled.compareAndSet(false, true)) {
			this.worker.schedule(this::flush, FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Worker thread: a channel kept subscribed whatever the registry says (the health
	 * probe).
	 */
	void addExtraChannel(ByteBuffer channel) {
		this.extraChannels.add(channel);
	}

	/**
	 * Worker thread: use {@code subscription} from now on, and subscribe everything
	 * wanted on it.
	 */
	void attach(RedisWire.Subscription subscription) {
		this.subscription = subscription;
		resync();
	}

	/** Worker thread: forget {@code subscription}, which stopped working. */
	void detach() {
		this.subscription = null;
		this.subscribed.clear();
		this.confirmed.clear();
	}

	/**
	 * Completes once Redis has confirmed the subscription of {@code topic}'s channel,
	 * from when on this node receives every message published to it. Any thread; the
	 * caller bounds the wait.
	 */
	CompletableFuture<Void> whenSubscribed(String topic) {
		CompletableFuture<Void> subscribed = new CompletableFuture<>();
		try {
			this.worker.schedule(() -> {
				if (this.confirmed.contains(topic)) {
					subscribed.complete(null);
					return;
				}
				this.waiters.values().forEach((list) -> list.removeIf(CompletableFuture::isDone));
				this.waiters.values().removeIf(List::isEmpty);
				this.waiters.computeIfAbsent(topic, (name) -> new ArrayList<>()).add(subscribed);
			});
		}
		catch (RejectedExecutionException ex) {
			subscribed.completeExceptionally(ex);
		}
		return subscribed;
	}

	// Worker thread: Redis answered a SUBSCRIBE of these channels.
	private void confirm(ByteBuffer[] channels, RedisWire.Subscription on) {
		if (on != this.subscription) {
			return; // an answer for a subscription that has since been replaced
		}
		for (ByteBuffer channel : channels) {
			String topic = this.names.topic(channel);
			if (topic != null && this.subscribed.contains(topic)) {
				this.confirmed.add(topic);
				List<CompletableFuture<Void>> waiting = this.waiters.remove(topic);
				if (waiting != null) {
					waiting.forEach((future) -> future.complete(null));
				}
			}
		}
	}

	/**
	 * Worker thread: SUBSCRIBE every wanted channel and UNSUBSCRIBE every unwanted one
	 * again, whatever was sent before (both are idempotent in Redis). Used after
	 * (re)connecting, so nothing lost while Redis was away stays lost. Topics still
	 * marked dirty stay so: their flush finds them settled, or sends what changed after
	 * this read.
	 */
	void resync() {
		RedisWire.Subscription target = this.subscription;
		if (target == null) {
			return;
		}
		Set<String> wanted = this.registry.topicSizes().keySet();
		// Confirmed channels, and those whose SUBSCRIBE is still on its way: either may
		// be unwanted now.
		Set<String> known = new HashSet<>(this.subscribed);
		for (ByteBuffer channel : target.channels()) {
			String topic = this.names.topic(channel);
			if (topic != null && !this.extraChannels.contains(channel)) {
				known.add(topic);
			}
		}
		List<String> unwanted = new ArrayList<>();
		for (String topic : known) {
			if (!wanted.contains(topic)) {
				unwanted.add(topic);
			}
		}
		this.subscribed.clear();
		this.subscribed.addAll(wanted);
		this.confirmed.clear(); // a Redis that restarted lost them: waiters wait for this
								// SUBSCRIBE's answer
		List<ByteBuffer> channels = new ArrayList<>(this.extraChannels);
		wanted.forEach((topic) -> channels.add(this.names.channel(topic)));
		send(target, channels, true);
		send(target, unwanted.stream().map(this.names::channel).toList(), false);
	}

	private void flush() {
		this.flushScheduled.set(false);
		RedisWire.Subscription target = this.subscription;
		if (target == null) {
			return; // attach() will resync everything
		}
		List<ByteBuffer> subscribe = new ArrayList<>();
		List<ByteBuffer> unsubscribe = new ArrayList<>();
		for (Iterator<String> it = this.dirty.iterator(); it.hasNext();) {
			String topic = it.next();
			it.remove();
			if (this.registry.hasSubscribers(topic)) {
				if (this.subscribed.add(topic)) {
					subscribe.add(this.names.channel(topic));
				}
			}
			else if (this.subscribed.remove(topic)) {
				unsubscribe.add(this.names.channel(topic));
			}
		}
		send(target, subscribe, true);
		send(target, unsubscribe, false);
	}

	private void schedule(Runnable task) {
		try {
			this.worker.schedule(task);
		}
		catch (RejectedExecutionException ex) {
			// closed: nothing waits any more
		}
	}

	private void send(RedisWire.Subscription target, List<ByteBuffer> channels, boolean subscribe) {
		for (int from = 0; from < channels.size(); from += BATCH) {
			ByteBuffer[] batch = channels.subList(from, Math.min(from + BATCH, channels.size()))
				.toArray(new ByteBuffer[0]);
			if (!subscribe) {
				for (ByteBuffer channel : batch) {
					String topic = this.names.topic(channel);
					if (topic != null) {
						this.confirmed.remove(topic);
					}
				}
			}
			(subscribe ? target.subscribe(batch) : target.unsubscribe(batch)).subscribe(null, (error) -> {
				this.errors.increment();
				String message = "Redis " + (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " of " + batch.length
						+ " channels failed: " + error;
				if (this.stopping.getAsBoolean()) {
					logger.debug(message);
				}
				else {
					logger.warn(message);
				}
				this.onError.accept(error); // the resync when the link is back up repairs
											// the state
			}, () -> {
				this.onReply.run();
				if (subscribe) {
					schedule(() -> confirm(batch, target));
				}
			});
		}
	}

}
