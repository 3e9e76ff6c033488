package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import ch.qos.logback.classic.Level;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import dev.wspubsub.testapp.ExpectedLog;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis subscription follows local interest: batched, settled on what the registry
 * says when the flush runs, and complete again after a resync. The subscription here
 * records the commands it is given; the real ones are exercised against Redis by the
 * fan-out's integration tests.
 */
class ChannelSubscriptionsTests {

	private final TopicRegistry registry = new TopicRegistry();

	private final ChannelNames names = ChannelNames.single("p:");

	private final RecordingSubscription redis = new RecordingSubscription();

	private final AtomicInteger errors = new AtomicInteger();

	private final AtomicBoolean stopping = new AtomicBoolean();

	private Scheduler worker;

	private ChannelSubscriptions subscriptions;

	@BeforeEach
	void start() {
		this.worker = Schedulers.newSingle("fanout-worker");
		this.subscriptions = new ChannelSubscriptions(this.registry, this.names, this.worker, new LongAdder(),
				(error) -> this.errors.incrementAndGet(), () -> {
				}, this.stopping::get);
		this.registry.addSubscriptionListener(this.subscriptions);
		onWorker(() -> this.subscriptions.attach(this.redis));
	}

	@AfterEach
	void stop() {
		this.worker.dispose();
	}

	@Test
	void aBurstOfNewTopicsIsSubscribedInBatchesOfAThousand() {
		// On the worker itself, so the flush it schedules runs after the whole burst.
		onWorker(() -> {
			for (int i = 0; i < 2500; i++) {
				this.registry.subscribe("t" + i, new Subscriber());
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.subscribed().size() == 2500);
		assertThat(this.redis.subscribeCommands).extracting(List::size).containsExactly(1000, 1000, 500);
	}

	@Test
	void aTopicJoinedAndLeftBeforeTheFlushCostsNoCommand() {
		Subscriber subscriber = new Subscriber();
		this.registry.subscribe("brief", subscriber);
		this.registry.unsubscribe("brief", subscriber);
		this.registry.subscribe("kept", new Subscriber());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.subscribed().contains("p:t:kept"));
		assertThat(this.redis.subscribeCommands).flatMap((batch) -> batch).containsExactly("p:t:kept");
		assertThat(this.redis.unsubscribeCommands).isEmpty();
	}

	@Test
	void theLastSubscriberLeavingUnsubscribesTheChannel() {
		Subscriber subscriber = new Subscriber();
		this.registry.subscribe("room", subscriber);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.subscribed().contains("p:t:room"));
		this.registry.unsubscribe("room", subscriber);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.subscribed().isEmpty());
	}

	@Test
	void aNewSubscriptionGetsEveryWantedChannelAndTheExtraOnesAgain() {
		this.registry.subscribe("a", new Subscriber());
		this.registry.subscribe("b", new Subscriber());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.subscribed().size() == 2);
		RecordingSubscription replacement = new RecordingSubscription();
		onWorker(() -> {
			this.subscriptions.detach();
			this.subscriptions.addExtraChannel(utf8("p:n:probe:n1"));
			this.subscriptions.attach(replacement);
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> replacement.subscribed().equals(Set.of("p:t:a", "p:t:b", "p:n:probe:n1")));
	}

	@Test
	void whenSubscribedCompletesOnceRedisHasConfirmed() throws Exception {
		this.redis.holdReplies = true;
		this.registry.subscribe("slow", new Subscriber());
		CompletableFuture<Void> confirmed = this.subscriptions.whenSubscribed("slow");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.subscribed().contains("p:t:slow"));
		assertThat(confirmed).isNotDone();
		this.redis.release();
		confirmed.get(10, TimeUnit.SECONDS);
	}

	@Test
	void aCommandThatFailsWhileTheApplicationStopsIsReportedButNotWarnedOf() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "Redis SUBSCRIBE of")) {
			this.stopping.set(true);
			this.redis.failNext = true;
			this.registry.subscribe("x", new Subscriber());
			await().atMost(Duration.ofSeconds(10)).until(() -> this.errors.get() == 1);
			assertThat(log.lines()).isEmpty();
		}
	}

	@Test
	void aFailedCommandIsReportedSoTheLinkIsResyncedLater() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "Redis SUBSCRIBE of")) {
			this.redis.failNext = true;
			this.registry.subscribe("x", new Subscriber());
			await().atMost(Duration.ofSeconds(10)).until(() -> this.errors.get() == 1);
			assertThat(log.lines()).containsExactly(
					"Redis SUBSCRIBE of 1 channels failed: java.lang.IllegalStateException: connection lost");
		}
	}

	private void onWorker(Runnable task) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.worker.schedule(() -> {
			task.run();
			done.complete(null);
		});
		done.join();
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(ByteBuffer buffer) {
		return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
	}

	private static final class Subscriber implements TopicSubscriber {

		@Override
		public @Nullable EventLoop eventLoop() {
			return null;
		}

		@Override
		public void deliver(String topic, OutboundMessage message) {
		}

	}

	/** Applies SUBSCRIBE and UNSUBSCRIBE to a set of channels, as Redis would. */
	private static final class RecordingSubscription implements RedisWire.Subscription {

		final List<List<String>> subscribeCommands = new CopyOnWriteArrayList<>();

		final List<List<String>> unsubscribeCommands = new CopyOnWriteArrayList<>();

		private final Set<String> channels = Collections.synchronizedSet(new LinkedHashSet<>());

		private final CompletableFuture<Void> replies = new CompletableFuture<>();

		volatile boolean holdReplies;

		volatile boolean failNext;

		Set<String> subscribed() {
			synchronized (this.channels) {
				return new LinkedHashSet<>(this.channels);
			}
		}

		void release() {
			this.replies.complete(null);
		}

		@Override
		public Mono<Void> subscribe(ByteBuffer... channels) {
			List<String> names = new ArrayList<>();
			for (ByteBuffer channel : channels) {
				names.add(text(channel));
			}
			if (this.failNext) {
				this.failNext = false;
				return Mono.error(new IllegalStateException("connection lost"));
			}
			this.subscribeCommands.add(names);
			this.channels.addAll(names);
			return this.holdReplies ? Mono.fromFuture(this.replies) : Mono.empty();
		}

		@Override
		public Mono<Void> unsubscribe(ByteBuffer... channels) {
			List<String> names = new ArrayList<>();
			for (ByteBuffer channel : channels) {
				names.add(text(channel));
			}
			this.unsubscribeCommands.add(names);
			this.channels.removeAll(names);
			return Mono.empty();
		}

		@Override
		public Set<ByteBuffer> channels() {
			Set<ByteBuffer> buffers = new LinkedHashSet<>();
			subscribed().forEach((name) -> buffers.add(utf8(name)));
			return buffers;
		}

		@Override
		public Flux<RedisWire.Message> receive() {
			return Flux.never();
		}

		@Override
		public Mono<Void> cancel() {
			return Mono.empty();
		}

	}

}
