package dev.wspubsub.cluster;

import java.util.Objects;

import dev.wspubsub.WsMetricsListener;
import dev.wspubsub.topic.OutboundMessage;
import dev.wspubsub.topic.TopicRegistry;
import dev.wspubsub.topic.TopicSubscriber;
import org.jspecify.annotations.Nullable;

/** Publishes to a topic everywhere: local subscribers first, then the other nodes. */
public final class Broker {

	private final TopicRegistry registry;

	private final Fanout fanout;

	private final WsMetricsListener metrics;

	/** @param metrics told of each publish once, with its local fan-out size */
	public Broker(TopicRegistry registry, Fanout fanout, WsMetricsListener metrics) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.fanout = Objects.requireNonNull(fanout, "fanout");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * Publishes {@code message}, which the caller releases afterwards.
	 * @return payload bytes when someone may receive it (a local subscriber, or another
	 * node), otherwise {@code 0}
	 */
	public int publish(String topic, OutboundMessage message, @Nullable TopicSubscriber excluded) {
		int delivered = this.registry.deliver(topic, message, excluded);
		this.metrics.published(delivered, message.payloadLength());
		this.fanout.forward(topic, message);
		return (delivered > 0 || this.fanout.mayReachOtherNodes(topic)) ? message.payloadLength() : 0;
	}

	public TopicRegistry registry() {
		return this.registry;
	}

	public Fanout fanout() {
		return this.fanout;
	}
}
