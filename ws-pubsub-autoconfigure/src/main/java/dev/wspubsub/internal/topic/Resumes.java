package dev.wspubsub.internal.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.spi.OutboundMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The resumes of one subscriber in progress (a WebSocket's resubscribes, an SSE stream
 * opened with a last event id): while a topic's history is read, its live messages are
 * held; once the replay is handed over they go out, except those the replay already
 * covered, which are dropped until the first newer one passes. That is how replay and
 * live stream meet with no gap and no duplicate, even when publishes race the resume; the
 * one place that decides whether a position is covered by a replay. Deliveries look at
 * one volatile field when nothing is in progress. The caller makes {@link #handOver} and
 * its deliveries of the topic exclusive (one event loop, or one lock), so nothing live
 * passes the held messages.
 */
public final class Resumes {

	private static final Log logger = LogFactory.getLog(Resumes.class);

	private volatile boolean any;

	private final Map<String, Resume> active = new HashMap<>();

	private long tickets;

	/**
	 * Starts holding {@code topic}'s deliveries; a resubscribe already in progress is
	 * superseded.
	 */
	public synchronized long begin(String topic) {
		Resume previous = this.active.put(topic, new Resume(++this.tickets));
		if (previous != null) {
			previous.releaseHeld();
		}
		this.any = true;
		return this.tickets;
	}

	/**
	 * Whether the resubscribe {@code ticket} of {@code topic} is still the one in
	 * progress.
	 */
	public synchronized boolean isCurrent(String topic, long ticket) {
		Resume resume = this.active.get(topic);
		return resume != null && resume.ticket == ticket && resume.held != null;
	}

	/**
	 * Runs {@code beforeLive} with the replay, then writes the held messages newer than
	 * it (each released after {@code write}); exclusive of the topic's deliveries.
	 * @return {@code false} when the resubscribe was superseded, unsubscribed or closed
	 * meanwhile
	 */
	public boolean handOver(String topic, long ticket, Recovery recovery, Consumer<? super Recovery> beforeLive,
			Consumer<OutboundMessage> write) {
		if (!isCurrent(topic, ticket)) {
			return false;
		}
		try {
			beforeLive.accept(recovery);
		}
		catch (RuntimeException ex) {
			logger.warn("Resubscribe callback for topic '" + topic + "' failed", ex);
		}
		for (OutboundMessage message : finish(topic, ticket, recovery.position())) {
			try {
				write.accept(message);
			}
			finally {
				message.release();
			}
		}
		return true;
	}

	/**
	 * The replay up to {@code replayed} has been handed over: answers the held messages
	 * newer than it, retained for the caller, and drops later copies of older ones.
	 */
	public synchronized List<OutboundMessage> finish(String topic, long ticket, @Nullable StreamPosition replayed) {
		Resume resume = this.active.get(topic);
		if (resume == null || resume.ticket != ticket || resume.held == null) {
			return List.of();
		}
		List<OutboundMessage> held = resume.held;
		resume.held = null;
		resume.replayed = replayed;
		List<OutboundMessage> newer = new ArrayList<>(held.size());
		for (OutboundMessage message : held) {
			if (resume.covers(message)) {
				message.release();
			}
			else {
				newer.add(message);
			}
		}
		if (replayed == null || !newer.isEmpty()) {
			end(topic);
		}
		return newer;
	}

	/**
	 * Called for each delivery of a subscribed topic.
	 * @return {@code true} when this took the message (held, or dropped as replayed
	 * already)
	 */
	public boolean intercept(String topic, OutboundMessage message) {
		return this.any && interceptSlow(topic, message);
	}

	private synchronized boolean interceptSlow(String topic, OutboundMessage message) {
		Resume resume = this.active.get(topic);
		if (resume == null) {
			return false;
		}
		if (resume.held != null) {
			resume.held.add(message.retain());
			return true;
		}
		if (resume.covers(message)) {
			return true;
		}
		end(topic); // the first message past the replay: order does the rest
		return false;
	}

	/** Stops a resubscribe of {@code topic}: unsubscribed, or refused. */
	public synchronized void cancel(String topic) {
		Resume resume = this.active.get(topic);
		if (resume != null) {
			resume.releaseHeld();
			end(topic);
		}
	}

	/** The connection closed: what was held goes nowhere. */
	public synchronized void clear() {
		this.active.values().forEach(Resume::releaseHeld);
		this.active.clear();
		this.any = false;
	}

	private void end(String topic) {
		this.active.remove(topic);
		this.any = !this.active.isEmpty();
	}

	private static final class Resume {

		final long ticket;

		@Nullable List<OutboundMessage> held = new ArrayList<>();

		@Nullable StreamPosition replayed;

		Resume(long ticket) {
			this.ticket = ticket;
		}

		/** Whether the replay handed over already sent {@code message}. */
		boolean covers(OutboundMessage message) {
			StreamPosition position = message.position();
			return position != null && this.replayed != null && position.epoch().equals(this.replayed.epoch())
					&& position.offset() <= this.replayed.offset();
		}

		void releaseHeld() {
			if (this.held != null) {
				this.held.forEach(OutboundMessage::release);
				this.held = null;
			}
		}

	}

}
