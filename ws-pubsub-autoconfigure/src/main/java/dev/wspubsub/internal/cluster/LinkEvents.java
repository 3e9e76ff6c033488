package dev.wspubsub.internal.cluster;

import java.time.Instant;
import java.util.Objects;

import dev.wspubsub.FanoutLinkEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns the fan-out's link changes into {@link FanoutLinkEvent}s for the application; a
 * listener that throws is logged, never breaks the link.
 */
public final class LinkEvents implements LinkListener {

	private static final Log logger = LogFactory.getLog(LinkEvents.class);

	private final Object source;

	private final String nodeId;

	private final ApplicationEventPublisher publisher;

	/**
	 * Publishes {@code fanout}'s outages to the application through {@code publisher}.
	 */
	public static void publish(RedisFanout fanout, ApplicationEventPublisher publisher) {
		fanout.addLinkListener(new LinkEvents(fanout, fanout.nodeId(), publisher));
	}

	private LinkEvents(Object source, String nodeId, ApplicationEventPublisher publisher) {
		this.source = Objects.requireNonNull(source, "source");
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
		this.publisher = Objects.requireNonNull(publisher, "publisher");
	}

	@Override
	public void down(Instant downAt) {
		publish(new FanoutLinkEvent(this.source, this.nodeId, downAt, null));
	}

	@Override
	public void up(Instant downAt, Instant upAt) {
		publish(new FanoutLinkEvent(this.source, this.nodeId, downAt, upAt));
	}

	private void publish(FanoutLinkEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + event + " failed", ex);
		}
	}

}
