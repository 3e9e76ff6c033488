package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.internal.transport.WsConnection;
import org.jspecify.annotations.Nullable;

/**
 * The STOMP state of one connection: the negotiated version and heart-beats, the
 * subscriptions by id and by topic, and the open transactions. Changed only on the
 * connection's event loop; what other threads read (the version, the session id) is
 * immutable or volatile.
 */
final class StompSession implements WsConnection.HandlerState {

	private final WsConnection connection;

	/**
	 * Random, not the connection's counter: an anonymous user's destinations are named
	 * after it, and must not collide with another node's.
	 */
	private final String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

	private final StompDecoder decoder;

	private final AtomicLong messageIds = new AtomicLong();

	/** For Spring's {@code SimpAttributes}, as a Servlet STOMP session has. */
	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	private final Map<String, Subscription> subscriptions = new HashMap<>();

	/**
	 * A topic's subscriptions, usually one; a client may subscribe twice with two ids.
	 */
	private final Map<String, Subscription[]> byTopic = new HashMap<>();

	private final Map<String, List<StompFrame>> transactions = new LinkedHashMap<>();

	private volatile @Nullable StompVersion version;

	/** Made by the first frame to an application destination. */
	private volatile @Nullable SerialExecutor serial;

	private long lastReadNanos = System.nanoTime();

	private final List<ScheduledFuture<?>> heartbeats = new ArrayList<>(2);

	/** Frames per nanosecond the client may send; zero for no limit. */
	private final double ratePerNano;

	private final int burst;

	private double tokens;

	private long lastRefillNanos = System.nanoTime();

	StompSession(WsConnection connection, int maxFrameBytes, double messagesPerSecond, int burst) {
		this.connection = connection;
		this.decoder = new StompDecoder(maxFrameBytes);
		this.ratePerNano = messagesPerSecond / 1_000_000_000d;
		this.burst = Math.max(1, burst);
		this.tokens = this.burst;
	}

	/**
	 * Takes one frame's token of {@code ws-pubsub.stomp.rate-limit}: whether it may pass.
	 */
	boolean admit(long now) {
		if (this.ratePerNano <= 0) {
			return true;
		}
		this.tokens = Math.min(this.burst, this.tokens + (now - this.lastRefillNanos) * this.ratePerNano);
		this.lastRefillNanos = now;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

	WsConnection connection() {
		return this.connection;
	}

	String id() {
		return this.id;
	}

	@Nullable Principal principal() {
		return this.connection.principal();
	}

	/**
	 * Whose user destinations this session receives: the principal's name, or the session
	 * id for an anonymous client, as Spring does; escaped so it is one path segment.
	 */
	String userSegment() {
		Principal principal = principal();
		// As Spring's SimpMessagingTemplate.convertAndSendToUser escapes it.
		return (principal != null) ? principal.getName().replace("/", "%2F") : this.id;
	}

	/**
	 * Runs this session's application work on {@code pool}, one task at a time, in order.
	 */
	Executor serial(Executor pool) {
		SerialExecutor serial = this.serial;
		if (serial == null) {
			serial = new SerialExecutor(pool);
			this.serial = serial;
		}
		return serial;
	}

	StompDecoder decoder() {
		return this.decoder;
	}

	Map<String, Object> attributes() {
		return this.attributes;
	}

	boolean isConnected() {
		return this.version != null;
	}

	/** The negotiated version; 1.2 rules before CONNECT. */
	StompVersion version() {
		StompVersion version = this.version;
		return (version != null) ? version : StompVersion.V1_2;
	}

	void connected(StompVersion version) {
		this.version = version;
		this.decoder.version(version);
	}

	String nextMessageId() {
		return this.id + "-" + this.messageIds.incrementAndGet();
	}

	void touch(long now) {
		this.lastReadNanos = now;
	}

	long lastReadNanos() {
		return this.lastReadNanos;
	}

	void heartbeat(ScheduledFuture<?> task) {
		this.heartbeats.add(task);
	}

	void stopHeartbeats() {
		this.heartbeats.forEach((task) -> task.cancel(false));
		this.heartbeats.clear();
	}

	// ---- subscriptions

	@Nullable Subscription subscription(String id) {
		return this.subscriptions.get(id);
	}

	int subscriptionCount() {
		return this.subscriptions.size();
	}

	/**
	 * @return whether it is the first subscription of its topic
	 */
	boolean add(Subscription subscription) {
		this.subscriptions.put(subscription.id(), subscription);
		String topic = subscription.topic();
		if (topic == null) {
			return false;
		}
		Subscription[] existing = this.byTopic.get(topic);
		if (existing == null) {
			this.byTopic.put(topic, new Subscription[] { subscription });
			return true;
		}
		Subscription[] grown = java.util.Arrays.copyOf(existing, existing.length + 1);
		grown[existing.length] = subscription;
		this.byTopic.put(topic, grown);
		return false;
	}

	/**
	 * @return whether it was the last subscription of its topic
	 */
	boolean remove(Subscription subscription) {
		this.subscriptions.remove(subscription.id());
		String topic = subscription.topic();
		Subscription[] existing = (topic != null) ? this.byTopic.get(topic) : null;
		if (existing == null) {
			return false;
		}
		List<Subscription> left = new ArrayList<>(List.of(existing));
		left.remove(subscription);
		if (left.isEmpty()) {
			this.byTopic.remove(topic);
			return true;
		}
		this.byTopic.put(topic, left.toArray(new Subscription[0]));
		return false;
	}

	Subscription @Nullable [] subscriptionsOf(String topic) {
		return this.byTopic.get(topic);
	}

	// ---- transactions

	boolean begin(String transaction) {
		return this.transactions.putIfAbsent(transaction, new ArrayList<>()) == null;
	}

	@Nullable List<StompFrame> transaction(String transaction) {
		return this.transactions.get(transaction);
	}

	@Nullable List<StompFrame> end(String transaction) {
		return this.transactions.remove(transaction);
	}

	/**
	 * One SUBSCRIBE: its id, the destination the client named, and the topic it reads
	 * ({@code null} for an application destination, answered once by
	 * {@code @SubscribeMapping}).
	 *
	 * @param ack the ack mode: {@code auto}, {@code client} or {@code client-individual}
	 * @param head what every MESSAGE to it starts with, made once: the command, then its
	 * {@code subscription} and {@code destination} headers
	 */
	record Subscription(String id, String destination, @Nullable String topic, String ack, byte[] head) {

		static Subscription of(String id, String destination, @Nullable String topic, String ack,
				StompVersion version) {
			String head = "MESSAGE\n" + StompEncoder.headerLine("subscription", id, version)
					+ StompEncoder.headerLine("destination", destination, version);
			return new Subscription(id, destination, topic, ack, head.getBytes(StandardCharsets.UTF_8));
		}

		boolean acknowledged() {
			return !"auto".equals(this.ack);
		}

	}

	@Override
	public String toString() {
		return "StompSession[" + this.id + " on " + this.connection + "]";
	}

}
