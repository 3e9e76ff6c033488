package dev.wspubsub.testapp;

import dev.wspubsub.annotation.OnError;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.testapp.Messages.ChatIn;
import dev.wspubsub.testapp.Messages.Greeting;
import jakarta.validation.Valid;

/** Replaces the default error reply with its own {@code @OnError} answer. */
@WsEndpoint("/custom-errors")
public class CustomErrorEndpoint {

	@OnMessage("fail")
	public void fail() {
		throw new IllegalStateException("boom");
	}

	@OnMessage("chat")
	public String chat(@Valid ChatIn chat) {
		return chat.text();
	}

	@OnError
	public Greeting error(Throwable error) {
		return new Greeting("oops", error.getClass().getSimpleName() + ": " + error.getMessage());
	}

}
