package dev.wspubsub.spi;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * Who is present in a topic, across the cluster: each node records the ids it hosts,
 * every node reads them all. With Redis fan-out the entries live in Redis and a node's
 * entries expire when it stops refreshing them (it crashed); on one node they live in
 * memory.
 *
 * <pre class="code">
 * &#64;OnMessage("join_room")
 * Mono&lt;Void&gt; join(WsSession&lt;ChatUser&gt; ws, JoinRoom msg) {
 *   ws.subscribe("room:" + msg.room());
 *   return presence.join("room:" + msg.room(), ws.id(), ws.data().name());
 * }
 * presence.members("room:general")   // Mono of {sessionId -&gt; name} on every node
 * </pre>
 *
 * An id is present once per node: joining again replaces its info. Use a connection's id
 * ({@code ws.id()}) when one user may connect more than once, and {@link #leave} when the
 * connection closes.
 *
 * <p>
 * Methods are called from handlers, on a connection's event loop: they return a
 * {@link reactor.core.publisher.Mono} and must not block before returning it.
 */
public interface PresenceRegistry {

	/**
	 * Records {@code id} as present in {@code topic} on this node, with {@code info} (a
	 * name, a JSON document).
	 */
	Mono<Void> join(String topic, String id, String info);

	/** Removes {@code id} from {@code topic} on this node. */
	Mono<Void> leave(String topic, String id);

	/** The ids present in {@code topic} on any live node, with their info. */
	Mono<Map<String, String>> members(String topic);

}
