package dev.wspubsub;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

/**
 * The node-wide view of ws-pubsub, as Bun's {@code server}: inject it anywhere.
 *
 * <pre class="code">
 * &#64;Autowired WsServer server;
 * server.publish("global", "hello");   // every subscriber on every node
 * </pre>
 */
public interface WsServer {

	/**
	 * Publishes to every subscriber of {@code topic} on every node. A {@code String} goes
	 * as text, a {@code byte[]} as binary, anything else as JSON text.
	 * @return the payload size in bytes, or {@code 0} when nobody received it
	 */
	int publish(String topic, Object message);

	/** As {@link #publish(String, Object)}, compressed where negotiated. */
	int publish(String topic, Object message, boolean compress);

	/**
	 * As {@link #publish(String, Object)}, and answers the position the publication got
	 * in its topic's history; empty when the topic keeps no history or the publication
	 * could not be recorded (its history store unreachable).
	 */
	Mono<StreamPosition> publishForPosition(String topic, Object message);

	/**
	 * The newest {@code limit} publications of {@code topic}, oldest first, as its
	 * subscribers received them: with a history of size 1, its latest value. Empty when
	 * the topic keeps no history or its store is unreachable.
	 */
	Mono<List<Publication>> history(String topic, int limit);

	/**
	 * The position of {@code topic}'s newest publication; empty when it keeps no history
	 * or its store is unreachable.
	 */
	Mono<StreamPosition> position(String topic);

	/**
	 * Subscribers of {@code topic} on this node (connections and server-side listeners).
	 */
	int subscriberCount(String topic);

	/** Upgrades in progress on this node. */
	int pendingWebSockets();

	/** Open connections on this node. */
	int connections();

	/** The open connections on this node. */
	Collection<WsSession<?>> sessions();

	/** The open connection with this id on this node, if any. */
	Optional<WsSession<?>> session(String id);

	/** Topics with at least one subscriber on this node. */
	int topicCount();

	/** This node's id, unique in the cluster. */
	String nodeId();

	/**
	 * Who is present in {@code topic} on every node, as entered with the
	 * {@code PresenceRegistry} bean's {@code join}: entry id to its info. With the Redis
	 * fan-out, entries of a node that crashed expire after {@code presence-ttl}.
	 */
	Mono<Map<String, String>> presence(String topic);

}
