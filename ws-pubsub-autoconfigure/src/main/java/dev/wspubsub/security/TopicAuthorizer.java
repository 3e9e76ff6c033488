package dev.wspubsub.security;

import java.util.List;

import dev.wspubsub.WsSession;

/**
 * Decides which topics a connection may subscribe and publish to. Consulted by
 * {@code ws.subscribe} and {@code ws.publish}, which act for a client; {@code server.publish}
 * is trusted and never asks. A denied subscribe returns {@code false}, a denied publish
 * returns {@code 0}, and the client gets {@code {"type":"error","error":"Forbidden: <topic>"}}.
 * Every {@code TopicAuthorizer} bean is consulted, and all must allow.
 *
 * <pre class="code">
 * &#64;Bean
 * TopicAuthorizer privateRooms() {
 *     return new TopicAuthorizer() {
 *         public boolean canSubscribe(WsSession&lt;?&gt; ws, String topic) {
 *             return !topic.startsWith("staff:") || ws.principal() != null;
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

	/** Whether {@code session} may subscribe to {@code topic}; allowed unless overridden. */
	default boolean canSubscribe(WsSession<?> session, String topic) {
		return true;
	}

	/** Whether {@code session} may publish to {@code topic}; allowed unless overridden. */
	default boolean canPublish(WsSession<?> session, String topic) {
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
			public boolean canSubscribe(WsSession<?> session, String topic) {
				for (TopicAuthorizer authorizer : all) {
					if (!authorizer.canSubscribe(session, topic)) {
						return false;
					}
				}
				return true;
			}

			@Override
			public boolean canPublish(WsSession<?> session, String topic) {
				for (TopicAuthorizer authorizer : all) {
					if (!authorizer.canPublish(session, topic)) {
						return false;
					}
				}
				return true;
			}
		};
	}
}
