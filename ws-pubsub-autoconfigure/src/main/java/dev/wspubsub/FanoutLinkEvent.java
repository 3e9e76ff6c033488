package dev.wspubsub;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * This node's link to the other nodes (the Redis fan-out) went down, or came back.
 * Publications on topics without history made meanwhile on other nodes never reach this
 * node's subscribers, and this node's own never reach theirs: tell them. Topics with
 * history are repaired from their streams, or get a reset notice.
 *
 * <pre class="code">
 * &#64;EventListener
 * void link(FanoutLinkEvent event) {
 *     server.publish("status", event.isUp() ? "reconnected after " + event.outage().orElseThrow() : "degraded");
 * }
 * </pre>
 *
 * Published on ws-pubsub's Redis thread: listeners must not block (hand slow work to an
 * executor, or use {@code @Async}).
 */
public final class FanoutLinkEvent extends ApplicationEvent {

	private final String nodeId;

	private final Instant downAt;

	private final @Nullable Instant upAt;

	/**
	 * @param source what published it (the fan-out)
	 * @param nodeId this node's id
	 * @param downAt when the outage began, as far as this node can tell
	 * @param upAt when it ended; {@code null} in the event that says the link is down
	 */
	public FanoutLinkEvent(Object source, String nodeId, Instant downAt, @Nullable Instant upAt) {
		super(source);
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
		this.downAt = Objects.requireNonNull(downAt, "downAt");
		this.upAt = upAt;
	}

	/** This node's id, as in the fan-out's envelopes. */
	public String nodeId() {
		return this.nodeId;
	}

	/** Whether the link is back: the event that ends an outage. */
	public boolean isUp() {
		return this.upAt != null;
	}

	/** When the outage began. */
	public Instant downAt() {
		return this.downAt;
	}

	/** When the outage ended; empty while the link is down. */
	public Optional<Instant> upAt() {
		return Optional.ofNullable(this.upAt);
	}

	/** How long the outage lasted; empty while the link is down. */
	public Optional<Duration> outage() {
		return (this.upAt != null) ? Optional.of(Duration.between(this.downAt, this.upAt)) : Optional.empty();
	}

	@Override
	public String toString() {
		return "FanoutLinkEvent[node " + this.nodeId + ", down at " + this.downAt
				+ ((this.upAt != null) ? ", up at " + this.upAt : ", still down") + "]";
	}

}
