package dev.wspubsub.sample.chat;

import java.time.Duration;

import dev.wspubsub.FanoutLinkEvent;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.sample.chat.ServerMessage.ClusterStatus;
import dev.wspubsub.spi.Fanout;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Tells this node's pages when it loses the other servers (the starter's fan-out link,
 * and with it Redis, is down) and when it has them back, as the starter's
 * {@link FanoutLinkEvent}s say: each connection hears each change once, a connection
 * opened during an outage as it opens. A node that cannot reach Redis within
 * {@code chat.cluster-start-grace} (5 s) of starting is in an outage too: no event says
 * that, a check does. Sent to this node's connections directly, not published: a publish
 * would wait for Redis too, and reach the other nodes' pages late.
 */
@Component
class ClusterStatusNotice {

	static final ClusterStatus UNAVAILABLE = new ClusterStatus(false,
			"Other servers and history are unavailable; messages reach people on this server.");

	static final ClusterStatus AVAILABLE = new ClusterStatus(true, "Other servers and history are available again.");

	private final Fanout fanout;

	private final WsServer server;

	private final long startGraceNanos;

	private final long startedAt = System.nanoTime();

	private volatile boolean available = true;

	// A node still making its first connection has lost nothing yet, unless that takes
	// longer than the start grace: then Redis is away from the start.
	private boolean wasUp;

	ClusterStatusNotice(Fanout fanout, WsServer server, @Value("${chat.cluster-start-grace:5s}") Duration startGrace) {
		this.fanout = fanout;
		this.server = server;
		this.startGraceNanos = startGrace.toNanos();
	}

	/** An outage began or ended: say so at once. */
	@EventListener
	synchronized void linkChanged(FanoutLinkEvent event) {
		this.wasUp = true;
		changeTo(event.isUp());
	}

	/** Until the link first comes up: whether it is late. */
	@Scheduled(fixedDelayString = "${chat.cluster-check:250ms}")
	synchronized void check() {
		if (this.wasUp) {
			return; // from now on the link events tell
		}
		boolean up = this.fanout.isUp();
		this.wasUp = up;
		changeTo(up || System.nanoTime() - this.startedAt < this.startGraceNanos);
	}

	private void changeTo(boolean now) {
		if (now != this.available) {
			this.available = now;
			this.server.sessions().forEach((ws) -> tell(ws, now));
		}
	}

	boolean isAvailable() {
		return this.available;
	}

	/**
	 * For a connection that has just opened: nothing to say unless the other servers are
	 * gone.
	 */
	void tellIfUnavailable(WsSession<?> ws) {
		if (!this.available) {
			tell(ws, false);
		}
	}

	private static void tell(WsSession<?> ws, boolean available) {
		if (ws.data() instanceof ChatUser user && user.tell(available)) {
			ws.send(available ? AVAILABLE : UNAVAILABLE);
		}
	}

}
