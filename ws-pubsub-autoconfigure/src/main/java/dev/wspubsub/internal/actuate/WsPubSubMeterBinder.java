package dev.wspubsub.internal.actuate;

import java.util.Objects;
import java.util.function.Supplier;

import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.internal.transport.SessionRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauges of ws-pubsub, read from the registries when scraped: open connections and
 * upgrades in progress per endpoint path, and the topic count of this node.
 */
public class WsPubSubMeterBinder implements MeterBinder {

	private final SessionRegistry sessions;

	private final TopicRegistry topics;

	private final Supplier<? extends Iterable<String>> paths;

	/**
	 * @param paths the endpoint path templates, read when bound
	 */
	public WsPubSubMeterBinder(SessionRegistry sessions, TopicRegistry topics,
			Supplier<? extends Iterable<String>> paths) {
		this.sessions = Objects.requireNonNull(sessions, "sessions");
		this.topics = Objects.requireNonNull(topics, "topics");
		this.paths = Objects.requireNonNull(paths, "paths");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String path : this.paths.get()) {
			Gauge.builder("wspubsub.connections", this.sessions, (sessions) -> sessions.connections(path))
				.description("Open WebSocket connections")
				.tag(WsPubSubMeters.ENDPOINT, path)
				.register(registry);
			Gauge.builder("wspubsub.upgrades.pending", this.sessions, (sessions) -> sessions.pending(path))
				.description("WebSocket upgrades in progress")
				.tag(WsPubSubMeters.ENDPOINT, path)
				.register(registry);
		}
		Gauge.builder("wspubsub.topics", this.topics, TopicRegistry::topicCount)
			.description("Topics with at least one local subscriber")
			.register(registry);
	}

}
