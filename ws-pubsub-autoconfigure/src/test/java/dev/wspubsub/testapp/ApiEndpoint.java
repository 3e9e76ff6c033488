package dev.wspubsub.testapp;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.testapp.Messages.ChatIn;
import dev.wspubsub.testapp.Messages.ChatOut;
import dev.wspubsub.testapp.Messages.Greeting;
import dev.wspubsub.testapp.Messages.NumberCommand;
import dev.wspubsub.testapp.Messages.Numbered;
import dev.wspubsub.testapp.Messages.PublishCommand;
import dev.wspubsub.testapp.Messages.Result;
import dev.wspubsub.testapp.Messages.TopicCommand;
import jakarta.validation.Valid;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A typed JSON endpoint (no raw text handler, so bad input gets error replies) whose
 * message types exercise the session API on the event loop and each kind of return value.
 */
@WsEndpoint("/api")
public class ApiEndpoint extends RecordingEndpoint {

	public ApiEndpoint(Events events) {
		super(events);
	}

	@OnMessage("subscribe")
	public Result subscribe(WsSession<?> ws, TopicCommand command) {
		return new Result("subscribed", ws.subscribe(command.topic()));
	}

	@OnMessage("publish")
	public Result publish(WsSession<?> ws, PublishCommand command) {
		return new Result("published", ws.publish(command.topic(), command.text()));
	}

	@OnMessage("chat")
	public ChatOut chat(@Valid ChatIn chat) {
		return new ChatOut("chat", chat.room(), chat.text());
	}

	@OnMessage("fail")
	public void fail() {
		throw new IllegalStateException("a bug in the handler");
	}

	@OnMessage("bad-argument")
	public void badArgument() {
		throw new IllegalArgumentException("count must be positive");
	}

	/** Answers nothing: a request to it gets no reply. */
	@OnMessage("note")
	public void note() {
	}

	@OnMessage("string")
	public String string() {
		return "plain text";
	}

	@OnMessage("record")
	public Greeting record() {
		return new Greeting("greeting", "hi");
	}

	@OnMessage("bytes")
	public byte[] bytes() {
		return new byte[] { 1, 2, 3 };
	}

	@OnMessage("mono")
	public Mono<Greeting> mono() {
		return Mono.just(new Greeting("greeting", "later")).delayElement(Duration.ofMillis(20));
	}

	@OnMessage("flux")
	public Flux<Numbered> flux() {
		return Flux.range(1, 3).map((n) -> new Numbered("flux", n, Thread.currentThread().getName()));
	}

	@OnMessage("async")
	public Mono<Numbered> async(NumberCommand command) {
		// Random delays finish out of order unless the runtime keeps the connection's
		// order.
		return Mono.just(new Numbered("async", command.n(), "")).delayElement(randomMillis(3));
	}

	@OnMessage(value = "blocking", blocking = true)
	public Numbered blocking(NumberCommand command) {
		LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
		return new Numbered("blocking", command.n(), Thread.currentThread().getName());
	}

	@OnMessage("whoami")
	public Result whoami(WsSession<?> ws) {
		return new Result("whoami", ws.data());
	}

	private static Duration randomMillis(int bound) {
		return Duration.ofMillis(ThreadLocalRandom.current().nextInt(bound));
	}

}
