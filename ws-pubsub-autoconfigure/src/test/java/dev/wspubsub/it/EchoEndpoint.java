package dev.wspubsub.it;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

/** Echoes text and binary messages back. */
@WsEndpoint("/echo")
class EchoEndpoint {

	@OnMessage
	String text(String text) {
		return text;
	}

	@OnMessage
	byte[] binary(WsSession<?> ws, byte[] data) {
		return data;
	}
}
