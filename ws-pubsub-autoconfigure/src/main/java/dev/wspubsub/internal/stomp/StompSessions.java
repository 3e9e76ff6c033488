package dev.wspubsub.internal.stomp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The open STOMP sessions of this node by session id, for what answers one session
 * directly ({@code @SubscribeMapping}, {@code @SendToUser(broadcast = false)}).
 */
final class StompSessions {

	private final Map<String, StompSession> sessions = new ConcurrentHashMap<>();

	void add(StompSession session) {
		this.sessions.put(session.id(), session);
	}

	void remove(StompSession session) {
		this.sessions.remove(session.id(), session);
	}

	@Nullable StompSession get(String id) {
		return this.sessions.get(id);
	}

	int size() {
		return this.sessions.size();
	}

}
