package dev.wspubsub.spi;

/**
 * Carries publishes to the other nodes of a cluster. The local default does nothing: one
 * node is the whole cluster. An implementation delivers what it receives from other nodes
 * with {@link dev.wspubsub.internal.topic.TopicRegistry#deliver} and never hands a node
 * its own messages back.
 *
 * <p>
 * {@link #forward} is called once per publish, after the local delivery, on the
 * publishing thread (often a connection's event loop, so it must not block: queue the
 * message and send it from a thread of its own); the caller releases the message when the
 * call returns, so an implementation that keeps it {@link OutboundMessage#retain()
 * retains} it. One bean replaces the default; Redis fan-out is the built-in one.
 */
public interface Fanout {

	/**
	 * Sends {@code message} for {@code topic} to the other nodes; must not block, must
	 * not keep {@code message} unless retained.
	 */
	void forward(String topic, OutboundMessage message);

	/** A short name for the mode, such as {@code local} or {@code redis}. */
	String mode();

	/**
	 * Whether a publish to {@code topic} may reach a subscriber on another node. It
	 * decides what {@code publish} answers when no local subscriber took the message: its
	 * byte count if this says yes, {@code 0} if not. Yes unless overridden, as a cluster
	 * cannot cheaply know; the single-node default says no.
	 */
	default boolean mayReachOtherNodes(String topic) {
		return true;
	}

	/** Whether the link to the other nodes is working. */
	default boolean isUp() {
		return true;
	}

}
