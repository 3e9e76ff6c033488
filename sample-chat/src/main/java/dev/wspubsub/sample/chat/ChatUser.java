package dev.wspubsub.sample.chat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is on a connection, and what the protocol needs to remember about it:
 * {@code ws.data()}.
 */
final class ChatUser {

	static final String INBOX_PREFIX = "user:";

	private final String userId;

	private final String username;

	private final Set<String> rooms = ConcurrentHashMap.newKeySet();

	private final Set<String> typingIn = ConcurrentHashMap.newKeySet();

	/** When the server's unanswered heartbeat ping was sent; 0 when answered. */
	private final AtomicLong unansweredPing = new AtomicLong();

	/** Whether this connection was last told that the other servers are available. */
	private final AtomicBoolean toldAvailable = new AtomicBoolean(true);

	ChatUser(String userId, String username) {
		this.userId = userId;
		this.username = username;
	}

	String userId() {
		return this.userId;
	}

	String username() {
		return this.username;
	}

	/** The topic that reaches this user alone, for direct messages. */
	String inbox() {
		return inbox(this.userId);
	}

	static String inbox(String userId) {
		return INBOX_PREFIX + userId;
	}

	/**
	 * Remembered beside the subscriptions because {@code @OnClose} runs after the
	 * connection left its topics.
	 */
	boolean joined(String room) {
		return this.rooms.add(room);
	}

	boolean left(String room) {
		this.typingIn.remove(room);
		return this.rooms.remove(room);
	}

	boolean isIn(String room) {
		return this.rooms.contains(room);
	}

	int roomCount() {
		return this.rooms.size();
	}

	List<String> rooms() {
		return this.rooms.stream().sorted().toList();
	}

	/** Records the typing state in a room; {@code true} when it changed. */
	boolean typing(String room, boolean isTyping) {
		return isTyping ? this.typingIn.add(room) : this.typingIn.remove(room);
	}

	/**
	 * Records a heartbeat ping; {@code false} when the previous one is still unanswered.
	 */
	boolean pinged(long timestamp) {
		return this.unansweredPing.compareAndSet(0, timestamp);
	}

	void ponged() {
		this.unansweredPing.set(0);
	}

	boolean stillUnanswered(long pingTimestamp) {
		return this.unansweredPing.get() == pingTimestamp;
	}

	/**
	 * Records that this connection is told {@code available}; {@code false} when it was
	 * told so already.
	 */
	boolean tell(boolean available) {
		return this.toldAvailable.compareAndSet(!available, available);
	}

}
