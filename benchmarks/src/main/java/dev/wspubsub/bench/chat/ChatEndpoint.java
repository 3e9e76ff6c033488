package dev.wspubsub.bench.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

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
 * room {@code R} instead (the many-rooms benchmark), and {@code ready} goes to every
 * room.
 */
@WsEndpoint(path = "/ws", publishToSelf = "true", perMessageDeflate = "false")
class ChatEndpoint {

	static final String ROOM = "room";

	private static final Log logger = LogFactory.getLog(ChatEndpoint.class);

	private final WsServer server;

	private final int expected;

	private final AtomicInteger connected = new AtomicInteger();

	private final Set<String> rooms = ConcurrentHashMap.newKeySet();

	/**
	 * Chat messages received, for the allocation per message ({@link ServerCounters}).
	 */
	private final LongAdder received;

	ChatEndpoint(WsServer server, @Value("${bench.clients-count}") int expected, ServerCounters counters) {
		this.server = server;
		this.expected = expected;
		this.received = counters.received();
	}

	/**
	 * The client's name, or with {@code ?room=} its name and room: the one-room
	 * benchmarks (and the memory benchmark's per-connection figure) keep a bare name, as
	 * before rooms.
	 */
	@OnUpgrade
	Object upgrade(UpgradeRequest request) {
		String name = request.queryParam("name").orElse("Client");
		return request.queryParam("room").<Object>map((room) -> new Member(name, room)).orElse(name);
	}

	@OnOpen
	void open(WsSession<Object> ws) {
		String room = (ws.data() instanceof Member member) ? member.room() : ROOM;
		ws.subscribe(room);
		this.rooms.add(room);
		if (this.connected.incrementAndGet() == this.expected && this.expected > 0) {
			logger.info("All " + this.expected + " clients connected in " + this.rooms.size() + " rooms");
			for (String each : this.rooms) {
				this.server.publish(each, "ready");
			}
		}
	}

	@OnMessage
	void message(WsSession<Object> ws, String text) {
		this.received.increment();
		if (ws.data() instanceof Member member) {
			ws.publish(member.room(), member.name() + ": " + text);
		}
		else {
			ws.publish(ROOM, ws.data() + ": " + text);
		}
	}

	@OnClose
	void close(WsSession<Object> ws) {
		this.connected.decrementAndGet();
	}

	/** A client's name and room, from its upgrade request's query. */
	record Member(String name, String room) {
	}

}
