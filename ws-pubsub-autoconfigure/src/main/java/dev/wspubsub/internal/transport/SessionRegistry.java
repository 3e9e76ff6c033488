package dev.wspubsub.internal.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;

/** The open connections and pending upgrades of this node, counted per endpoint path. */
public final class SessionRegistry {

	private final Map<String, WsConnection> sessions = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> openByPath = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> pendingByPath = new ConcurrentHashMap<>();

	private final AtomicInteger pending = new AtomicInteger();

	private volatile boolean accepting = true;

	/**
	 * How {@link #closeAll} closed; written before {@link #accepting} turns false and
	 * read after.
	 */
	private int shutdownCode = CloseCodes.GOING_AWAY;

	private String shutdownReason = "Going Away";

	private final WsMetricsListener metrics;

	/**
	 * @param metrics told of connection events; shared by the transport and endpoint
	 * layers through {@link #metrics()}
	 */
	public SessionRegistry(WsMetricsListener metrics) {
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * The listener told of this node's connection events, {@link WsMetricsListener#NONE}
	 * when nobody listens.
	 */
	public WsMetricsListener metrics() {
		return this.metrics;
	}

	void add(WsConnection connection) {
		this.sessions.put(connection.id(), connection);
		counter(this.openByPath, connection.path()).incrementAndGet();
		this.metrics.connectionOpened(connection);
		if (!this.accepting) {
			// Its upgrade began before closeAll, which may have looked at the sessions
			// before this one came.
			connection.close(this.shutdownCode, this.shutdownReason);
		}
	}

	void remove(WsConnection connection, int code) {
		if (this.sessions.remove(connection.id()) != null) {
			counter(this.openByPath, connection.path()).decrementAndGet();
			this.metrics.connectionClosed(connection, code);
		}
	}

	/** An upgrade on {@code path} has started. */
	public void upgradeStarted(String path) {
		this.pending.incrementAndGet();
		counter(this.pendingByPath, path).incrementAndGet();
	}

	/** An upgrade on {@code path} has ended, opened or not. */
	public void upgradeEnded(String path) {
		this.pending.decrementAndGet();
		counter(this.pendingByPath, path).decrementAndGet();
	}

	private static AtomicInteger counter(Map<String, AtomicInteger> counters, String path) {
		return counters.computeIfAbsent(path, (key) -> new AtomicInteger());
	}

	/** Whether new upgrades are accepted; false once shutdown began. */
	public boolean isAccepting() {
		return this.accepting;
	}

	/** Refuses new upgrades and closes every open connection with {@code code}. */
	public void closeAll(int code, String reason) {
		refuse(code, reason);
		this.sessions.values().forEach((connection) -> connection.close(code, reason));
	}

	/**
	 * Refuses new upgrades; one under way closes with {@code code} as it opens. Open
	 * connections stay open.
	 */
	public void refuse(int code, String reason) {
		this.shutdownCode = code;
		this.shutdownReason = reason;
		this.accepting = false;
	}

	/** The connections open now, in no particular order. */
	List<WsConnection> openConnections() {
		return new ArrayList<>(this.sessions.values());
	}

	/** Accepts upgrades again (after a stop and restart of the context's lifecycle). */
	public void accept() {
		this.accepting = true;
	}

	public int connections() {
		return this.sessions.size();
	}

	public int connections(String path) {
		AtomicInteger count = this.openByPath.get(path);
		return (count != null) ? count.get() : 0;
	}

	public int pending() {
		return this.pending.get();
	}

	public int pending(String path) {
		AtomicInteger count = this.pendingByPath.get(path);
		return (count != null) ? count.get() : 0;
	}

	public Collection<WsSession<?>> sessions() {
		return Collections.unmodifiableCollection(this.sessions.values());
	}

	public Optional<WsSession<?>> session(String id) {
		return Optional.ofNullable(this.sessions.get(id));
	}

}
