package dev.wspubsub.internal.sse;

import java.util.concurrent.ArrayBlockingQueue;

import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.topic.Resumes;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicSubscriber;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.codec.ServerSentEvent;

/**
 * One SSE client's subscription: turns each message of its topic into an event in a
 * bounded buffer that the response drains. A client too slow to keep up does not grow the
 * server's memory: on a topic without history it loses the events that do not fit; on a
 * topic with history its stream ends after what fits instead, so the client reconnects
 * with the id of the last event it got and the history fills the gap.
 */
final class SseSubscriber implements TopicSubscriber {

	private static final Log logger = LogFactory.getLog(SseSubscriber.class);

	private final @Nullable EventLoop loop;

	private final boolean positioned;

	private final Sinks.Many<ServerSentEvent<String>> sink;

	private final Sinks.Empty<Void> ended = Sinks.empty();

	/** A stream opened with a last event id: its live events wait for the replay. */
	private final Resumes resumes = new Resumes();

	/** Event ids of a stream without history; guarded by {@code this}. */
	private long nextId = 1;

	/**
	 * @param positioned whether the topic keeps a history: event ids are then the
	 * messages' positions instead of a count
	 */
	SseSubscriber(@Nullable EventLoop loop, int bufferSize, boolean positioned) {
		this.loop = loop;
		this.positioned = positioned;
		// Exactly bufferSize: Reactor's own queues round the capacity up to a power of
		// two.
		this.sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(new ArrayBlockingQueue<ServerSentEvent<String>>(bufferSize));
	}

	/** The live events; they wait in the buffer until this is subscribed. */
	Flux<ServerSentEvent<String>> events() {
		return this.sink.asFlux();
	}

	/**
	 * Completes when the live events end because the client fell a whole buffer behind.
	 */
	Mono<Void> ended() {
		return this.ended.asMono();
	}

	@Override
	public @Nullable EventLoop eventLoop() {
		// The request's own loop: publishes reach it in the same task as its WebSocket
		// neighbours.
		return this.loop;
	}

	/**
	 * Holds the live messages of {@code topic} from now until {@link #handOver}: call
	 * before subscribing, so nothing live slips ahead of the replay.
	 * @return the ticket of this resume
	 */
	long beginResume(String topic) {
		return this.resumes.begin(topic);
	}

	/**
	 * The replay up to {@code recovery}'s position goes out before what is buffered now:
	 * the held live messages newer than it are buffered, those it covers dropped, and
	 * deliveries go on behind them.
	 */
	void handOver(String topic, long ticket, Recovery recovery) {
		synchronized (this) {
			this.resumes.handOver(topic, ticket, recovery, (replay) -> {
			}, (message) -> emit(topic, message));
		}
	}

	/** The stream ended: what was held goes nowhere. */
	void close() {
		this.resumes.clear();
	}

	@Override
	public void deliver(String topic, OutboundMessage message) {
		// Publishers on several threads: the sink takes one emitter at a time, and a
		// hand-over is not overtaken.
		synchronized (this) {
			if (!this.resumes.intercept(topic, message)) {
				emit(topic, message);
			}
		}
	}

	/**
	 * A gap in the topic could not be repaired: the stream says {@code event: reset} with
	 * the position live events go on from, as a resume that cannot recover does, not a
	 * JSON notice among the topic's events; the client reloads.
	 */
	@Override
	public void reset(String topic, StreamPosition current, OutboundMessage defaultNotice) {
		synchronized (this) {
			if (!this.sink.tryEmitNext(SseEvents.reset(current)).isSuccess()) {
				overflowed(topic, current);
			}
		}
	}

	// Under the lock.
	private void emit(String topic, OutboundMessage message) {
		Sinks.EmitResult result = this.sink.tryEmitNext(SseEvents.of(message, id(message)));
		if (result.isSuccess()) {
			this.nextId++;
		}
		else if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
			overflowed(topic, message.position());
		}
	}

	private @Nullable String id(OutboundMessage message) {
		if (!this.positioned) {
			return Long.toString(this.nextId);
		}
		// Without a position (its history could not record it) the event has no id, so
		// the
		// client's last id stays the last position it got and a resume finds the gap.
		StreamPosition position = message.position();
		return (position != null) ? position.toString() : null;
	}

	private void overflowed(String topic, @Nullable StreamPosition position) {
		if (!this.positioned) {
			if (logger.isDebugEnabled()) {
				logger.debug("SSE client on topic '" + topic + "' is too slow: event dropped");
			}
			return;
		}
		if (this.sink.tryEmitComplete().isSuccess()) {
			// The buffered events still go out first; the client resumes after the last
			// of them.
			this.ended.tryEmitEmpty();
			if (logger.isDebugEnabled()) {
				logger.debug("SSE client on topic '" + topic + "' is too slow: stream ended before " + position
						+ " so it resumes from its history");
			}
		}
	}

	@Override
	public String toString() {
		return "SseSubscriber@" + Integer.toHexString(System.identityHashCode(this));
	}

}
