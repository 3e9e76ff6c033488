package dev.wspubsub.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node's order of a history topic when the topic's epoch changes under it (Redis came
 * back empty, or another node's outage began a new epoch) while its two connections hand
 * publications over in their own order: nothing this node was given is lost, nothing is
 * delivered twice, and the subscribers are told where the new epoch starts.
 */
class TopicGapRepairEpochTests {

	// Epochs begun by Redis carry its time first: E2 began after E1.
	private static final String E1 = "0000000000a" + "xxxxx";

	private static final String E2 = "0000000000b" + "yyyyy";

	private static final String TOPIC = "room:epochs";

	private final TopicRegistry registry = new TopicRegistry();

	private final List<String> received = new CopyOnWriteArrayList<>();

	private final List<StreamPosition> reads = new CopyOnWriteArrayList<>();

	private final TopicGapRepair repair = new TopicGapRepair(this.registry, this::read,
			new PayloadEncoder(JsonMapper.builder().build(), ByteBufAllocator.DEFAULT), Duration.ofMillis(50));

	TopicGapRepairEpochTests() {
		this.registry.addSubscriptionListener(this.repair);
		this.registry.subscribe(TOPIC, new TopicSubscriber() {

			@Override
			public @Nullable EventLoop eventLoop() {
				return null;
			}

			@Override
			public void deliver(String topic, OutboundMessage message) {
				TopicGapRepairEpochTests.this.received.add(message.text());
			}

		});
	}

	@AfterEach
	void close() {
		this.repair.close();
	}

	@Test
	void whatWasHeldOfTheOldEpochIsDeliveredAndTheNewOneIsReadFromItsStart() {
		accept(E1, 1, "a1");
		accept(E1, 3, "a3"); // held behind a gap at 2
		accept(E2, 2, "b2"); // the first of the new epoch this node sees

		await().atMost(Duration.ofSeconds(5)).until(() -> this.received.size() >= 5);
		assertThat(this.received).containsExactly("a1", "a3", notice(E2, 0), "b1", "b2");
		assertThat(this.reads).contains(new StreamPosition(E2, 0));
	}

	@Test
	void aLatePublicationOfTheEarlierEpochIsDeliveredOnceAndDoesNotResetTheTopicAgain() {
		accept(E1, 1, "a1");
		accept(E2, 1, "b1");
		accept(E1, 2, "a2"); // overtaken on the other connection
		accept(E1, 2, "a2"); // and again, as a resend would
		accept(E2, 2, "b2");

		await().atMost(Duration.ofSeconds(5)).until(() -> this.received.size() >= 5);
		assertThat(this.received).containsExactly("a1", notice(E2, 0), "b1", "a2", "b2");
		assertThat(this.repair.resetCount(TopicGapRepair.ResetCause.EPOCH)).isOne();
	}

	@Test
	void aPublicationOvertakenByTheOneTheOrderStartedWithIsDeliveredOnce() {
		accept(E1, 2, "b2"); // the other node's echo, first
		accept(E1, 1, "a1"); // this node's own, whose answer it overtook
		accept(E1, 1, "a1");
		accept(E1, 3, "a3");

		await().atMost(Duration.ofSeconds(5)).until(() -> this.received.size() >= 3);
		assertThat(this.received).containsExactly("b2", "a1", "a3");
	}

	private static String notice(String epoch, long offset) {
		return "{\"type\":\"topic_reset\",\"topic\":\"" + TOPIC + "\",\"epoch\":\"" + epoch + "\",\"offset\":" + offset
				+ "}";
	}

	private void accept(String epoch, long offset, String text) {
		OutboundMessage message = OutboundMessage.positioned(ByteBufAllocator.DEFAULT,
				text.getBytes(StandardCharsets.UTF_8), true, false, new StreamPosition(epoch, offset));
		try {
			this.repair.accept(TOPIC, message, null);
		}
		finally {
			message.release();
		}
	}

	// The old epoch is gone; the new epoch's stream holds b1 before b2.
	private CompletableFuture<Recovery> read(String topic, StreamPosition since) {
		this.reads.add(since);
		if (since.epoch().equals(E1)) {
			return CompletableFuture.completedFuture(new Recovery(false, new StreamPosition(E2, 1), List.of()));
		}
		List<Publication> publications = new ArrayList<>();
		if (since.epoch().equals(E2) && since.offset() == 0) {
			publications.add(new Publication(new StreamPosition(E2, 1), "b1".getBytes(StandardCharsets.UTF_8), true));
		}
		return CompletableFuture.completedFuture(new Recovery(true, new StreamPosition(E2, 1), publications));
	}

}
