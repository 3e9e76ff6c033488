package dev.wspubsub.sse;

import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;

import dev.wspubsub.topic.OutboundMessage;
import dev.wspubsub.topic.TopicSubscriber;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.http.codec.ServerSentEvent;

/**
 * One SSE client's subscription: turns each message of its topic into an event in a
 * bounded buffer that the response drains. A client too slow to keep up loses the
 * events that do not fit, instead of growing the server's memory.
 */
final class SseSubscriber implements TopicSubscriber {

	private static final Log logger = LogFactory.getLog(SseSubscriber.class);

	private final @Nullable EventLoop loop;

	private final Sinks.Many<ServerSentEvent<String>> sink;

	/** Event ids of this stream; guarded by {@code this}. */
	private long nextId = 1;

	SseSubscriber(@Nullable EventLoop loop, int bufferSize) {
		this.loop = loop;
		// Exactly bufferSize: Reactor's own queues round the capacity up to a power of two.
		this.sink = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<ServerSentEvent<String>>(bufferSize));
	}

	Flux<ServerSentEvent<String>> events() {
		return this.sink.asFlux();
	}

	@Override
	public @Nullable EventLoop eventLoop() {
		// The request's own loop: publishes reach it in the same task as its WebSocket neighbours.
		return this.loop;
	}

	@Override
	public void deliver(String topic, OutboundMessage message) {
		ServerSentEvent.Builder<String> event = message.isText() ? ServerSentEvent.builder(message.text())
				: ServerSentEvent.builder(Base64.getEncoder().encodeToString(message.bytes())).event("binary");
		// Publishers on several threads: the sink takes one emitter at a time.
		synchronized (this) {
			Sinks.EmitResult result = this.sink.tryEmitNext(event.id(Long.toString(this.nextId)).build());
			if (result.isSuccess()) {
				this.nextId++;
			}
			else if (result == Sinks.EmitResult.FAIL_OVERFLOW && logger.isDebugEnabled()) {
				logger.debug("SSE client on topic '" + topic + "' is too slow: event dropped");
			}
		}
	}

	@Override
	public String toString() {
		return "SseSubscriber@" + Integer.toHexString(System.identityHashCode(this));
	}
}
