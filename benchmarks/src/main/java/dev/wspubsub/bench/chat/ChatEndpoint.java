package dev.wspubsub.bench.chat;

import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnClose;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;

/**
 * Bun's chat benchmark protocol: every client joins {@code room}; once
 * {@code bench.clients-count} are in, the room gets {@code ready}; each text {@code M}
 * from {@code NAME} goes to the whole room, sender included, as {@code NAME: M}. A count
 * of 0 sends no {@code ready}: on several nodes each counts only its own clients, so the
 * cluster benchmark's client starts the run itself.
 */
@WsEndpoint(path = "/ws", publishToSelf = "true", perMessageDeflate = "false")
class ChatEndpoint {

	static final String ROOM = "room";

	private static final Log logger = LogFactory.getLog(ChatEndpoint.class);

	private final WsServer server;

	private final int expected;

	private final AtomicInteger connected = new AtomicInteger();

	ChatEndpoint(WsServer server, @Value("${bench.clients-count}") int expected) {
		this.server = server;
		this.expected = expected;
	}

	@OnUpgrade
	String upgrade(UpgradeRequest request) {
		return request.queryParam("name").orElse("Client");
	}

	@OnOpen
	void open(WsSession<String> ws) {
		ws.subscribe(ROOM);
		if (this.connected.incrementAndGet() == this.expected && this.expected > 0) {
			logger.info("All " + this.expected + " clients connected");
			this.server.publish(ROOM, "ready");
		}
	}

	@OnMessage
	void message(WsSession<String> ws, String text) {
		ws.publish(ROOM, ws.data() + ": " + text);
	}

	@OnClose
	void close(WsSession<String> ws) {
		this.connected.decrementAndGet();
	}
}
