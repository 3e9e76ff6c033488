package dev.wspubsub.internal.transport;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.PublishRouter;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.spi.TopicHistory;
import reactor.core.publisher.Mono;

/**
 * The node's {@link WsServer}: publishes through the publishRouter, counts from the
 * registries.
 */
public final class DefaultWsServer implements WsServer {

	private final PublishRouter publishRouter;

	private final PayloadEncoder encoder;

	private final SessionRegistry sessions;

	private final String nodeId;

	private final PresenceRegistry presence;

	public DefaultWsServer(PublishRouter publishRouter, PayloadEncoder encoder, SessionRegistry sessions, String nodeId,
			PresenceRegistry presence) {
		this.presence = Objects.requireNonNull(presence, "presence");
		this.publishRouter = Objects.requireNonNull(publishRouter, "publishRouter");
		this.encoder = Objects.requireNonNull(encoder, "encoder");
		this.sessions = Objects.requireNonNull(sessions, "sessions");
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
	}

	@Override
	public int publish(String topic, Object message) {
		return publish(topic, message, false);
	}

	@Override
	public int publish(String topic, Object message, boolean compress) {
		Objects.requireNonNull(topic, "topic");
		OutboundMessage encoded = this.encoder.encode(message, compress);
		try {
			return this.publishRouter.publish(topic, encoded, null);
		}
		finally {
			encoded.release();
		}
	}

	@Override
	public Mono<StreamPosition> publishForPosition(String topic, Object message) {
		Objects.requireNonNull(topic, "topic");
		OutboundMessage encoded = this.encoder.encode(message, false);
		try {
			return Mono.fromFuture(this.publishRouter.publishForPosition(topic, encoded, null));
		}
		finally {
			encoded.release();
		}
	}

	@Override
	public Mono<List<Publication>> history(String topic, int limit) {
		if (limit < 0) {
			throw new IllegalArgumentException("limit must not be negative, was " + limit);
		}
		TopicHistory history = this.publishRouter.history();
		HistoryRule rule = history.rules().ruleFor(topic);
		return (rule != null) ? Mono.fromFuture(history.latest(topic, rule, limit)) : Mono.empty();
	}

	@Override
	public Mono<StreamPosition> position(String topic) {
		TopicHistory history = this.publishRouter.history();
		HistoryRule rule = history.rules().ruleFor(topic);
		return (rule != null) ? Mono.fromFuture(history.read(topic, rule, null, 0)).mapNotNull(Recovery::position)
				: Mono.empty();
	}

	@Override
	public int subscriberCount(String topic) {
		return this.publishRouter.registry().subscriberCount(topic);
	}

	@Override
	public int pendingWebSockets() {
		return this.sessions.pending();
	}

	@Override
	public int connections() {
		return this.sessions.connections();
	}

	@Override
	public Collection<WsSession<?>> sessions() {
		return this.sessions.sessions();
	}

	@Override
	public Optional<WsSession<?>> session(String id) {
		return this.sessions.session(id);
	}

	@Override
	public int topicCount() {
		return this.publishRouter.registry().topicCount();
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public Mono<Map<String, String>> presence(String topic) {
		return this.presence.members(Objects.requireNonNull(topic, "topic"));
	}

}
