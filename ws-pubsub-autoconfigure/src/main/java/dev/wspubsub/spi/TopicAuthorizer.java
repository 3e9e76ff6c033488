package dev.wspubsub.spi;

import java.security.Principal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Decides which topics a client may subscribe and publish to. Consulted by
 * {@code ws.subscribe} and {@code ws.publish}, which act for a client, and by the SSE
 * bridge before it opens a stream; {@code server.publish} is trusted and never asks. A
 * denied subscribe returns {@code false}, a denied publish returns {@code 0}, and the
 * client gets {@code {"type":"error","error":"Forbidden: <topic>"}}. Every
 * {@code TopicAuthorizer} bean is consulted, and all must allow.
 *
 * <pre class="code">
 * &#64;Bean
 * TopicAuthorizer privateRooms() {
 *     return new TopicAuthorizer() {
 *         public boolean canSubscribe(String topic, Client client) {
 *             return !topic.startsWith("staff:") || client.principal() != null;
 *         }
 *     };
 * }
 * </pre>
 *
 * Calls come from the thread that subscribes or publishes, usually the connection's event
 * loop: answer quickly and do not block.
 */
public interface TopicAuthorizer {

	/** Allows everything; what a connection uses when no authorizer is defined. */
	TopicAuthorizer ALLOW_ALL = new TopicAuthorizer() {
	};

	/**
	 * Whether {@code client} may subscribe to {@code topic}; allowed unless overridden.
	 */
	default boolean canSubscribe(String topic, Client client) {
		return true;
	}

	/** Whether {@code client} may publish to {@code topic}; allowed unless overridden. */
	default boolean canPublish(String topic, Client client) {
		return true;
	}

	/** One authorizer that allows what every one of {@code authorizers} allows. */
	static TopicAuthorizer allOf(List<? extends TopicAuthorizer> authorizers) {
		if (authorizers.isEmpty()) {
			return ALLOW_ALL;
		}
		if (authorizers.size() == 1) {
			return authorizers.get(0);
		}
		List<TopicAuthorizer> all = List.copyOf(authorizers);
		return new TopicAuthorizer() {

			@Override
			public boolean canSubscribe(String topic, Client client) {
				for (TopicAuthorizer authorizer : all) {
					if (!authorizer.canSubscribe(topic, client)) {
						return false;
					}
				}
				return true;
			}

			@Override
			public boolean canPublish(String topic, Client client) {
				for (TopicAuthorizer authorizer : all) {
					if (!authorizer.canPublish(topic, client)) {
						return false;
					}
				}
				return true;
			}
		};
	}

	/**
	 * What an authorizer knows of the client asking: who, through which endpoint, with
	 * what data.
	 */
	interface Client {

		/** The authenticated principal, or {@code null} for an anonymous client. */
		@Nullable Principal principal();

		/** The path of the endpoint (or SSE route) the client connected to. */
		String path();

		/**
		 * The connection's data ({@code ws.data()}), or {@code null} if it has none, as
		 * an SSE client never has.
		 */
		@Nullable Object data();

	}

}
