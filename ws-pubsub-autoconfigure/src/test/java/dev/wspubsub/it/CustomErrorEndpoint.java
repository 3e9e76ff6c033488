package dev.wspubsub.it;

import dev.wspubsub.annotation.OnError;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.it.Messages.ChatIn;
import dev.wspubsub.it.Messages.Greeting;
import jakarta.validation.Valid;

/** Replaces the default error reply with its own {@code @OnError} answer. */
@WsEndpoint("/custom-errors")
class CustomErrorEndpoint {

	@OnMessage("fail")
	void fail() {
		throw new IllegalStateException("boom");
	}

	@OnMessage("chat")
	String chat(@Valid ChatIn chat) {
		return chat.text();
	}

	@OnError
	Greeting error(Throwable error) {
		return new Greeting("oops", error.getClass().getSimpleName() + ": " + error.getMessage());
	}

}
