package dev.wspubsub.testapp;

import java.nio.charset.StandardCharsets;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnClose;
import dev.wspubsub.annotation.OnDrain;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnPing;
import dev.wspubsub.annotation.OnPong;
import dev.wspubsub.testapp.Messages.Closed;
import dev.wspubsub.testapp.Messages.Hello;

/**
 * The life-cycle handlers every test endpoint shares: says hello with the session id on
 * open, records closes and drains in {@link Events}, and answers pings and pongs with a
 * text message so the client can see the hooks ran.
 */
public abstract class RecordingEndpoint {

	protected final Events events;

	public RecordingEndpoint(Events events) {
		this.events = events;
	}

	@OnOpen
	public Hello open(WsSession<?> ws) {
		return new Hello("hello", ws.id());
	}

	@OnClose
	public void close(WsSession<?> ws, int code, String reason) {
		this.events.closed(ws.id(), new Closed(code, reason, ws.readyState()));
	}

	@OnDrain
	public void drain(WsSession<?> ws) {
		this.events.drained(ws.id());
		ws.sendText("drained");
	}

	@OnPing
	public void ping(WsSession<?> ws, byte[] data) {
		ws.sendText("ping:" + new String(data, StandardCharsets.UTF_8));
	}

	@OnPong
	public void pong(WsSession<?> ws, byte[] data) {
		ws.sendText("pong:" + new String(data, StandardCharsets.UTF_8));
	}

}
