package dev.wspubsub.internal.topic;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.spi.TopicSubscriber;
import dev.wspubsub.spi.WsMetricsListener;
import org.jspecify.annotations.Nullable;

/**
 * Publishes to a topic everywhere: local subscribers first, then the other nodes. A topic
 * with a history is published through its {@link TopicHistory}, which numbers, records
 * and delivers it.
 */
public final class PublishRouter {

	private final TopicRegistry registry;

	private final Fanout fanout;

	private final WsMetricsListener metrics;

	private final TopicHistory history;

	/**
	 * @param metrics told of each publish once, with its local fan-out size
	 */
	public PublishRouter(TopicRegistry registry, Fanout fanout, WsMetricsListener metrics, TopicHistory history) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.fanout = Objects.requireNonNull(fanout, "fanout");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.history = Objects.requireNonNull(history, "history");
	}

	/**
	 * Publishes {@code message}, which the caller releases afterwards.
	 * @return payload bytes when someone may receive it (a local subscriber, or another
	 * node; always for a topic with history, which records it), otherwise {@code 0}
	 */
	public int publish(String topic, OutboundMessage message, @Nullable TopicSubscriber excluded) {
		HistoryRule rule = this.history.rules().ruleFor(topic);
		if (rule != null) {
			publishRecorded(topic, rule, message, excluded);
			return message.payloadLength();
		}
		int delivered = this.registry.deliver(topic, message, excluded);
		this.metrics.published(delivered, message.payloadLength());
		this.fanout.forward(topic, message);
		return (delivered > 0 || this.fanout.mayReachOtherNodes(topic)) ? message.payloadLength() : 0;
	}

	/**
	 * Publishes {@code message} and answers its position: {@code null} when {@code topic}
	 * has no history, or it could not be recorded.
	 */
	public CompletableFuture<@Nullable StreamPosition> publishForPosition(String topic, OutboundMessage message,
			@Nullable TopicSubscriber excluded) {
		HistoryRule rule = this.history.rules().ruleFor(topic);
		if (rule == null) {
			publish(topic, message, excluded);
			return CompletableFuture.completedFuture(null);
		}
		return publishRecorded(topic, rule, message, excluded);
	}

	private CompletableFuture<@Nullable StreamPosition> publishRecorded(String topic, HistoryRule rule,
			OutboundMessage message, @Nullable TopicSubscriber excluded) {
		this.metrics.published(this.registry.subscriberCount(topic), message.payloadLength());
		return this.history.publish(topic, rule, message, excluded);
	}

	public TopicRegistry registry() {
		return this.registry;
	}

	public Fanout fanout() {
		return this.fanout;
	}

	public TopicHistory history() {
		return this.history;
	}

}
