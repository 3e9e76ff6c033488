package dev.wspubsub.redis;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * Driven by text commands: {@code sub T}, {@code unsub T}, {@code subn T N} (topics T0 to
 * T(N-1)), {@code pub T payload} (the session publishes) and {@code spub T payload} (the
 * server publishes). Binary messages are published to topic {@code bin}.
 */
@WsEndpoint("/room")
class RoomEndpoint {

	private final WsServer server;

	RoomEndpoint(WsServer server) {
		this.server = server;
	}

	@OnMessage
	@Nullable String text(WsSession<?> ws, String text) {
		String[] parts = text.split(" ", 3);
		switch (parts[0]) {
			case "sub" -> {
				ws.subscribe(parts[1]);
				return "subscribed " + parts[1];
			}
			case "unsub" -> {
				ws.unsubscribe(parts[1]);
				return "unsubscribed " + parts[1];
			}
			case "subn" -> {
				int n = Integer.parseInt(parts[2]);
				for (int i = 0; i < n; i++) {
					ws.subscribe(parts[1] + i);
				}
				return "subscribed " + n;
			}
			case "pub" -> {
				ws.publish(parts[1], parts[2]);
				return null;
			}
			case "spub" -> {
				this.server.publish(parts[1], parts[2]);
				return null;
			}
			default -> {
				return "unknown " + text;
			}
		}
	}

	@OnMessage
	void binary(WsSession<?> ws, byte[] data) {
		ws.publish("bin", data);
	}

}
