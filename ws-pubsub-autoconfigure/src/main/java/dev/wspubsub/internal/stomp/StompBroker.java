package dev.wspubsub.internal.stomp;

import java.util.Objects;

import io.netty.buffer.ByteBufAllocator;

/**
 * What the STOMP endpoints and the bridge to Spring's messaging share: the settings, the
 * open sessions and the frame writer.
 */
public final class StompBroker {

	private final StompSettings settings;

	private final StompSessions sessions = new StompSessions();

	private final StompWriter writer;

	public StompBroker(StompSettings settings, ByteBufAllocator allocator) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.writer = new StompWriter(Objects.requireNonNull(allocator, "allocator"));
	}

	public StompSettings settings() {
		return this.settings;
	}

	StompSessions sessions() {
		return this.sessions;
	}

	StompWriter writer() {
		return this.writer;
	}

	/** STOMP sessions open on this node. */
	public int sessionCount() {
		return this.sessions.size();
	}

}
