package dev.wspubsub.it;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.it.Messages.ChatIn;
import dev.wspubsub.it.Messages.ChatOut;
import dev.wspubsub.it.Messages.Greeting;
import dev.wspubsub.it.Messages.NumberCommand;
import dev.wspubsub.it.Messages.Numbered;
import dev.wspubsub.it.Messages.PublishCommand;
import dev.wspubsub.it.Messages.Result;
import dev.wspubsub.it.Messages.TopicCommand;
import jakarta.validation.Valid;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A typed JSON endpoint (no raw text handler, so bad input gets error replies) whose
 * message types exercise the session API on the event loop and each kind of return value.
 */
@WsEndpoint("/api")
class ApiEndpoint extends RecordingEndpoint {

	ApiEndpoint(Events events) {
		super(events);
	}

	@OnMessage("subscribe")
	Result subscribe(WsSession<?> ws, TopicCommand command) {
		return new Result("subscribed", ws.subscribe(command.topic()));
	}

	@OnMessage("publish")
	Result publish(WsSession<?> ws, PublishCommand command) {
		return new Result("published", ws.publish(command.topic(), command.text()));
	}

	@OnMessage("chat")
	ChatOut chat(@Valid ChatIn chat) {
		return new ChatOut("chat", chat.room(), chat.text());
	}

	@OnMessage("fail")
	void fail() {
		throw new IllegalStateException("a bug in the handler");
	}

	@OnMessage("bad-argument")
	void badArgument() {
		throw new IllegalArgumentException("count must be positive");
	}

	/** Answers nothing: a request to it gets no reply. */
	@OnMessage("note")
	void note() {
	}

	@OnMessage("string")
	String string() {
		return "plain text";
	}

	@OnMessage("record")
	Greeting record() {
		return new Greeting("greeting", "hi");
	}

	@OnMessage("bytes")
	byte[] bytes() {
		return new byte[] { 1, 2, 3 };
	}

	@OnMessage("mono")
	Mono<Greeting> mono() {
		return Mono.just(new Greeting("greeting", "later")).delayElement(Duration.ofMillis(20));
	}

	@OnMessage("flux")
	Flux<Numbered> flux() {
		return Flux.range(1, 3).map((n) -> new Numbered("flux", n, Thread.currentThread().getName()));
	}

	@OnMessage("async")
	Mono<Numbered> async(NumberCommand command) {
		// Random delays finish out of order unless the runtime keeps the connection's
		// order.
		return Mono.just(new Numbered("async", command.n(), "")).delayElement(randomMillis(3));
	}

	@OnMessage(value = "blocking", blocking = true)
	Numbered blocking(NumberCommand command) {
		LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
		return new Numbered("blocking", command.n(), Thread.currentThread().getName());
	}

	@OnMessage("whoami")
	Result whoami(WsSession<?> ws) {
		return new Result("whoami", ws.data());
	}

	private static Duration randomMillis(int bound) {
		return Duration.ofMillis(ThreadLocalRandom.current().nextInt(bound));
	}

}
