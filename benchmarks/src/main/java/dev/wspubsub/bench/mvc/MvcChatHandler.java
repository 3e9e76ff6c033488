package dev.wspubsub.bench.mvc;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The chat room with spring-websocket: a set of sessions, each message sent to every one.
 */
@Component
class MvcChatHandler extends TextWebSocketHandler {

	private static final Log logger = LogFactory.getLog(MvcChatHandler.class);

	// Generous: one benchmark round puts up to clients x 1,600 messages behind a slow
	// session
	private static final int SEND_TIME_LIMIT_MS = 30_000;

	private static final int BUFFER_SIZE_LIMIT = 256 * 1024 * 1024;

	private final Set<WebSocketSession> room = new CopyOnWriteArraySet<>();

	private final int expected;

	MvcChatHandler(@Value("${bench.clients-count}") int expected) {
		this.expected = expected;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws IOException {
		String name = UriComponentsBuilder.fromUri(session.getUri()).build().getQueryParams().getFirst("name");
		session.getAttributes().put("prefix", ((name != null) ? name : "Client") + ": ");
		// Tomcat's sessions refuse concurrent sends; this decorator is spring-websocket's
		// answer
		this.room.add(new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, BUFFER_SIZE_LIMIT));
		if (this.room.size() == this.expected) {
			logger.info("All " + this.expected + " clients connected");
			broadcast(new TextMessage("ready"));
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		broadcast(new TextMessage(session.getAttributes().get("prefix") + message.getPayload()));
	}

	private void broadcast(TextMessage message) {
		for (WebSocketSession member : this.room) {
			try {
				member.sendMessage(message);
			}
			catch (IOException | IllegalStateException ex) {
				logger.debug("Send to " + member.getId() + " failed", ex);
			}
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.room.removeIf((member) -> member.getId().equals(session.getId()));
	}

}
