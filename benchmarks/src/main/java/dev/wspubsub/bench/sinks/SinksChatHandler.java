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

	// Emitters on different event loops race; busy-looping is Reactor's documented answer
	private static final Sinks.EmitFailureHandler RETRY = Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(5));

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
		// A buffer per subscriber so a slow client gets every message rather than losing some
		Flux<WebSocketMessage> outbound = this.room.asFlux().onBackpressureBuffer().map(session::textMessage);
		Mono<Void> inbound = session.receive()
			.doOnNext((message) -> this.room.emitNext(prefix + message.getPayloadAsText(), RETRY))
			.then();
		if (this.connected.incrementAndGet() == this.expected) {
			// As Bun's server: announce a moment later, once the last client's subscription is in
			Mono.delay(Duration.ofMillis(100)).subscribe((tick) -> {
				logger.info("All " + this.expected + " clients connected");
				this.room.emitNext("ready", RETRY);
			});
		}
		return Mono.zip(inbound, session.send(outbound)).then().doFinally((signal) -> this.connected.decrementAndGet());
	}
}
