package dev.wspubsub.bench.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * cluster benchmark's client starts the run itself. With {@code ?room=R} a client joins
 * room {@code R} instead (the many-rooms benchmark), and {@code ready} goes to every room.
 */
@WsEndpoint(path = "/ws", publishToSelf = "true", perMessageDeflate = "false")
class ChatEndpoint {

	static final String ROOM = "room";

	private static final Log logger = LogFactory.getLog(ChatEndpoint.class);

	private final WsServer server;

	private final int expected;

	private final AtomicInteger connected = new AtomicInteger();

	private final Set<String> rooms = ConcurrentHashMap.newKeySet();

	ChatEndpoint(WsServer server, @Value("${bench.clients-count}") int expected) {
		this.server = server;
		this.expected = expected;
	}

	@OnUpgrade
	Member upgrade(UpgradeRequest request) {
		return new Member(request.queryParam("name").orElse("Client"), request.queryParam("room").orElse(ROOM));
	}

	@OnOpen
	void open(WsSession<Member> ws) {
		ws.subscribe(ws.data().room());
		this.rooms.add(ws.data().room());
		if (this.connected.incrementAndGet() == this.expected && this.expected > 0) {
			logger.info("All " + this.expected + " clients connected in " + this.rooms.size() + " rooms");
			for (String room : this.rooms) {
				this.server.publish(room, "ready");
			}
		}
	}

	@OnMessage
	void message(WsSession<Member> ws, String text) {
		ws.publish(ws.data().room(), ws.data().name() + ": " + text);
	}

	@OnClose
	void close(WsSession<Member> ws) {
		this.connected.decrementAndGet();
	}

	/** A client's name and room, from its upgrade request's query. */
	record Member(String name, String room) {
	}
}
