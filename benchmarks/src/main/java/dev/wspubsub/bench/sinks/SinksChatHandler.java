package dev.wspubsub.bench.sinks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The chat room as most WebFlux applications write it: every session subscribes to the
 * room's sink, every inbound text is emitted into it as {@code NAME: M}.
 */
@Component
class SinksChatHandler implements WebSocketHandler {

	private static final Log logger = LogFactory.getLog(SinksChatHandler.class);

	private final Sinks.Many<String> room = Sinks.many().multicast().directBestEffort();

	private final AtomicInteger connected = new AtomicInteger();

	private final int expected;

	SinksChatHandler(@Value("${bench.clients-count}") int expected) {
		this.expected = expected;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		String query = session.getHandshakeInfo().getUri().getRawQuery();
		String name = UriComponentsBuilder.newInstance().query(query).build().getQueryParams().getFirst("name");
		String prefix = ((name != null) ? name : "Client") + ": ";
		// A buffer per subscriber so a slow client gets every message rather than losing
		// some
		Flux<WebSocketMessage> outbound = this.room.asFlux().onBackpressureBuffer().map(session::textMessage);
		Mono<Void> inbound = session.receive()
			.doOnNext((message) -> this.room.emitNext(prefix + message.getPayloadAsText(), retry()))
			.doOnError((ex) -> logger.warn("Inbound failed", ex))
			.then();
		if (this.connected.incrementAndGet() == this.expected) {
			announceWhenAllSubscribed();
		}
		return Mono.zip(inbound, session.send(outbound)).then().doFinally((signal) -> {
			logger.debug("Session " + session.getId() + " ended: " + signal);
			this.connected.decrementAndGet();
		});
	}

	// Emitters on different event loops race; busy-looping is Reactor's documented
	// answer.
	// A new handler per emission: its deadline starts when it is created.
	private static Sinks.EmitFailureHandler retry() {
		return Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(5));
	}

	// The last session subscribes to the room only after handle() returns: wait for it
	private void announceWhenAllSubscribed() {
		Flux.interval(Duration.ofMillis(10))
			.filter((tick) -> this.room.currentSubscriberCount() >= this.expected)
			.next()
			.timeout(Duration.ofSeconds(30))
			.subscribe((tick) -> {
				logger.info("All " + this.expected + " clients connected");
				this.room.emitNext("ready", retry());
			}, (ex) -> logger.warn("Not all clients subscribed to the room", ex));
	}

}
