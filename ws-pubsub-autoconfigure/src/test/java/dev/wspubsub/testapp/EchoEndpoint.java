package dev.wspubsub.testapp;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;

/** Echoes text and binary messages back, and nothing else: for third-party clients. */
@WsEndpoint("/echo")
public class EchoEndpoint {

	@OnMessage
	public String text(String text) {
		return text;
	}

	@OnMessage
	public byte[] binary(byte[] data) {
		return data;
	}

}
