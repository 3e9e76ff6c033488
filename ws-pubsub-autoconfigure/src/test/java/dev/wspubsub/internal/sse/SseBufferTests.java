package dev.wspubsub.internal.sse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.wspubsub.internal.history.LocalHistory;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.HistoryRules;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;

import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ws-pubsub.sse.buffer-size}: a client that reads nothing while a topic goes on
 * gets the oldest events up to the buffer, in order. On a topic without history the rest
 * are dropped and its stream stays open, going on once it reads again; on a topic with
 * history its stream ends instead, and resuming from its last event id gives it the rest.
 */
class SseBufferTests {

	/** Not a power of two, which Reactor's own queues round up to. */
	private static final int BUFFER = 10;

	private final TopicRegistry topics = new TopicRegistry();

	private final LocalHistory history = new LocalHistory(
			new HistoryRules(List.of(new HistoryRule("kept", 10_000, Duration.ofMinutes(10), false))), this.topics,
			ByteBufAllocator.DEFAULT, (topic, message) -> {
			});

	private final SseTopicBridge bridge = new SseTopicBridge(this.topics, this.history, "/sse", Duration.ofHours(1),
			Duration.ofSeconds(3), BUFFER, TopicAuthorizer.ALLOW_ALL, WsMetricsListener.NONE);

	@AfterEach
	void closeHistory() {
		this.history.close();
	}

	@Test
	void aClientThatReadsNothingIsHeldAtMostTheBufferOfEventsAndTheStreamGoesOn() {
		Reader reader = new Reader();
		this.bridge.events("news", null, null).subscribe(reader);
		reader.request(1); // the first comment, as the response writer would take it
		assertThat(reader.events).hasSize(1);
		List<String> published = IntStream.rangeClosed(1, 1000).mapToObj((i) -> "m-" + i).toList();
		published.forEach(this::publish);
		reader.request(Long.MAX_VALUE);
		List<String> data = reader.data();
		assertThat(data).as("what was held for the client: the oldest, in order")
			.hasSize(BUFFER)
			.containsExactlyElementsOf(published.subList(0, data.size()));
		publish("later");
		assertThat(reader.data()).last().isEqualTo("later");
		assertThat(reader.done).as("the stream is still open").isFalse();
		reader.dispose();
		assertThat(this.topics.subscriberCount("news")).isZero();
	}

	@Test
	void onATopicWithHistoryAClientThatReadsNothingHasItsStreamEndedAfterTheBufferAndResumesWithTheRest() {
		Reader reader = new Reader();
		this.bridge.events("kept", null, null).subscribe(reader);
		reader.request(1);
		List<String> published = IntStream.rangeClosed(1, 1000).mapToObj((i) -> "m-" + i).toList();
		published.forEach((text) -> publish("kept", text));
		reader.request(Long.MAX_VALUE);
		assertThat(reader.data()).as("what was held for the client: the oldest, in order")
			.containsExactlyElementsOf(published.subList(0, BUFFER));
		assertThat(reader.done).as("the stream ended, so the client reconnects").isTrue();
		assertThat(this.topics.subscriberCount("kept")).isZero();

		Reader resumed = new Reader();
		String lastId = reader.events.get(reader.events.size() - 1).id();
		this.bridge.events("kept", lastId, null).subscribe(resumed);
		resumed.request(Long.MAX_VALUE);
		assertThat(resumed.data()).containsExactlyElementsOf(published.subList(BUFFER, published.size()));
		resumed.dispose();
	}

	private void publish(String text) {
		publish("news", text);
	}

	private void publish(String topic, String text) {
		OutboundMessage message = OutboundMessage.text(ByteBufAllocator.DEFAULT, text, false);
		try {
			HistoryRule rule = this.history.rules().ruleFor(topic);
			if (rule != null) {
				this.history.publish(topic, rule, message, null);
			}
			else {
				this.topics.deliver(topic, message, null);
			}
		}
		finally {
			message.release();
		}
	}

	/** Requests only what the test asks for. */
	private static final class Reader extends BaseSubscriber<ServerSentEvent<String>> {

		final List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();

		volatile boolean done;

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			// no demand yet
		}

		@Override
		protected void hookOnNext(ServerSentEvent<String> event) {
			this.events.add(event);
		}

		@Override
		protected void hookFinally(SignalType type) {
			this.done = true;
		}

		List<String> data() {
			return this.events.stream().filter((event) -> event.data() != null).map(ServerSentEvent::data).toList();
		}

	}

}
