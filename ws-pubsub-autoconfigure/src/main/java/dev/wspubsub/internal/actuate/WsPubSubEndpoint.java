package dev.wspubsub.internal.actuate;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.endpoint.WsHandlerMapping;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.spi.Fanout;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code wspubsub} Actuator endpoint: this node's connections, topics, fan-out and
 * effective endpoint settings. Reads are open to whoever may read the endpoint; the write
 * operations (publish to a topic, close a session) need
 * {@code management.endpoint.wspubsub.access=unrestricted}, because they reach every
 * connected client. Topic names and session ids are one path segment each.
 *
 * <ul>
 * <li>{@code GET /actuator/wspubsub}: the node overview</li>
 * <li>{@code GET /actuator/wspubsub/topics/{topic}}: a topic's local subscribers</li>
 * <li>{@code GET /actuator/wspubsub/sessions/{id}}: one open connection</li>
 * <li>{@code POST /actuator/wspubsub/topics/{topic}} with {@code {"message":"..."}}:
 * publishes the text to every subscriber in the cluster</li>
 * <li>{@code DELETE /actuator/wspubsub/sessions/{id}?code=1000&reason=...}: closes a
 * connection of this node</li>
 * </ul>
 */
@Endpoint(id = "wspubsub", defaultAccess = Access.READ_ONLY)
public class WsPubSubEndpoint {

	/** How many topics the overview lists, busiest first. */
	static final int TOP_TOPICS = 20;

	private static final String TOPICS = "topics";

	private static final String SESSIONS = "sessions";

	private final WsServer server;

	private final SessionRegistry sessions;

	private final TopicRegistry topics;

	private final Fanout fanout;

	private final WsHandlerMapping mapping;

	public WsPubSubEndpoint(WsServer server, SessionRegistry sessions, TopicRegistry topics, Fanout fanout,
			WsHandlerMapping mapping) {
		this.server = Objects.requireNonNull(server, "server");
		this.sessions = Objects.requireNonNull(sessions, "sessions");
		this.topics = Objects.requireNonNull(topics, "topics");
		this.fanout = Objects.requireNonNull(fanout, "fanout");
		this.mapping = Objects.requireNonNull(mapping, "mapping");
	}

	/** The node overview. */
	@ReadOperation
	public NodeDescriptor node() {
		Map<String, EndpointDescriptor> endpoints = new LinkedHashMap<>();
		this.mapping.endpoints()
			.forEach((path, settings) -> endpoints.put(path, new EndpointDescriptor(this.sessions.connections(path),
					this.sessions.pending(path), SettingsDescriptor.of(settings))));
		Map<String, Integer> sizes = this.topics.topicSizes();
		List<TopicDescriptor> top = sizes.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
				.thenComparing(Map.Entry.comparingByKey()))
			.limit(TOP_TOPICS)
			.map((entry) -> new TopicDescriptor(entry.getKey(), entry.getValue()))
			.toList();
		return new NodeDescriptor(this.server.nodeId(), this.sessions.connections(), this.sessions.pending(), endpoints,
				new TopicsDescriptor(sizes.size(), top),
				new FanoutDescriptor(this.fanout.mode(), this.fanout.isUp() ? "UP" : "DOWN"));
	}

	/** One topic ({@code topics/{topic}}) or one session ({@code sessions/{id}}). */
	@ReadOperation
	public @Nullable OperationResponseBody detail(@Selector String section, @Selector String name) {
		return switch (section) {
			case TOPICS -> new TopicDescriptor(name, this.topics.subscriberCount(name));
			case SESSIONS -> this.server.session(name).map(SessionDescriptor::of).orElse(null);
			default -> throw unknownSection(section);
		};
	}

	/** Publishes {@code message} as text to {@code topics/{topic}} on every node. */
	@WriteOperation
	public PublishedDescriptor publish(@Selector String section, @Selector String topic, String message) {
		if (!TOPICS.equals(section)) {
			throw unknownSection(section);
		}
		int bytes = this.server.publish(topic, message);
		return new PublishedDescriptor(topic, bytes, this.topics.subscriberCount(topic));
	}

	/**
	 * Closes the connection {@code sessions/{id}} of this node with {@code code} (1000 by
	 * default) and {@code reason}.
	 */
	@DeleteOperation
	public @Nullable ClosedDescriptor close(@Selector String section, @Selector String id, @Nullable Integer code,
			@Nullable String reason) {
		if (!SESSIONS.equals(section)) {
			throw unknownSection(section);
		}
		int closeCode = (code != null) ? code : 1000;
		if (!validCloseCode(closeCode)) {
			throw new InvalidEndpointRequestException("Invalid close code " + closeCode,
					"Close code must be 1000-1003, 1007-1014 or 3000-4999");
		}
		return this.sessions.session(id).map((session) -> {
			session.close(closeCode, (reason != null) ? reason : "");
			return new ClosedDescriptor(id, closeCode);
		}).orElse(null);
	}

	private static boolean validCloseCode(int code) {
		// Codes a server may send (RFC 6455 §7.4): not the reserved 1004-1006 and 1015.
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	private static InvalidEndpointRequestException unknownSection(String section) {
		return new InvalidEndpointRequestException("Unknown section '" + section + "'",
				"Use /actuator/wspubsub/topics/{topic} or /actuator/wspubsub/sessions/{id}");
	}

	/** What {@code GET /actuator/wspubsub} answers. */
	public record NodeDescriptor(String nodeId, int connections, int pendingUpgrades,
			Map<String, EndpointDescriptor> endpoints, TopicsDescriptor topics,
			FanoutDescriptor fanout) implements OperationResponseBody {
	}

	/**
	 * One endpoint path: its open connections, upgrades in progress and effective
	 * settings.
	 */
	public record EndpointDescriptor(int connections, int pendingUpgrades, SettingsDescriptor settings) {
	}

	/** Effective settings of one endpoint. */
	public record SettingsDescriptor(int maxPayloadLength, String idleTimeout, boolean sendPings,
			long backpressureLimit, boolean closeOnBackpressureLimit, boolean publishToSelf, boolean perMessageDeflate,
			List<String> subprotocols) {

		static SettingsDescriptor of(EndpointSettings settings) {
			return new SettingsDescriptor(settings.maxPayloadLength(), settings.idleTimeout().toString(),
					settings.sendPings(), settings.backpressureLimit(), settings.closeOnBackpressureLimit(),
					settings.publishToSelf(), settings.deflate().enabled(), settings.subprotocols());
		}
	}

	/** The topic count of this node and its busiest topics. */
	public record TopicsDescriptor(int count, List<TopicDescriptor> top) {
	}

	/** A topic and its local subscribers (connections and server-side listeners). */
	public record TopicDescriptor(String topic, int localSubscribers) implements OperationResponseBody {
	}

	/** How this node reaches the others. */
	public record FanoutDescriptor(String mode, String status) {
	}

	/** One open connection of this node. */
	public record SessionDescriptor(String id, String path, String remoteAddress, int readyState, long bufferedAmount,
			Set<String> subscriptions) implements OperationResponseBody {

		static SessionDescriptor of(WsSession<?> session) {
			return new SessionDescriptor(session.id(), session.path(), String.valueOf(session.remoteAddress()),
					session.readyState(), session.bufferedAmount(), new TreeSet<>(session.subscriptions()));
		}
	}

	/** The outcome of a publish. */
	public record PublishedDescriptor(String topic, int bytes, int localSubscribers) implements OperationResponseBody {
	}

	/** A close that was started. */
	public record ClosedDescriptor(String id, int code) implements OperationResponseBody {
	}

}
