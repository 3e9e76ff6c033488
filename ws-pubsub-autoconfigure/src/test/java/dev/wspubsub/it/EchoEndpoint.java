package dev.wspubsub.it;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

/** Echoes text and binary messages back, and nothing else: for third-party clients. */
@WsEndpoint("/echo")
class EchoEndpoint {

	@OnMessage
	String text(String text) {
		return text;
	}

	@OnMessage
	byte[] binary(byte[] data) {
		return data;
	}

}
