package dev.wspubsub.internal.actuate;

import java.util.Objects;

import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.spi.Fanout;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code wsPubSub} health contributor: UP with this node's connection count, DOWN
 * while the fan-out link to the other nodes is down (publishes would then reach only this
 * node's subscribers).
 */
public class WsPubSubHealthIndicator extends AbstractHealthIndicator {

	private final SessionRegistry sessions;

	private final Fanout fanout;

	public WsPubSubHealthIndicator(SessionRegistry sessions, Fanout fanout) {
		super("ws-pubsub health check failed");
		this.sessions = Objects.requireNonNull(sessions, "sessions");
		this.fanout = Objects.requireNonNull(fanout, "fanout");
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean up = this.fanout.isUp();
		(up ? builder.up() : builder.down()).withDetail("connections", this.sessions.connections())
			.withDetail("pendingUpgrades", this.sessions.pending())
			.withDetail("fanout", this.fanout.mode());
		if (!up) {
			builder.withDetail("error", "The " + this.fanout.mode() + " fan-out link to the other nodes is down");
		}
	}

}
