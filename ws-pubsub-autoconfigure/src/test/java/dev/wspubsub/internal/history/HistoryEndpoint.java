package dev.wspubsub.internal.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wspubsub.Publication;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * Driven by text commands: {@code resume T SINCE N} (SINCE is {@code epoch:offset} or
 * {@code -}; answers one {@code recovery} message before any live one), {@code sub T},
 * {@code pub T payload} (the session publishes) and {@code spub T payload} (the server).
 */
@WsEndpoint("/history")
class HistoryEndpoint {

	private final WsServer server;

	HistoryEndpoint(WsServer server) {
		this.server = server;
	}

	@OnMessage
	@Nullable Object text(WsSession<?> ws, String text) {
		String[] parts = text.split(" ", 4);
		switch (parts[0]) {
			case "resume" -> {
				StreamPosition since = "-".equals(parts[2]) ? null : StreamPosition.parse(parts[2]);
				ws.subscribe(parts[1], since, Integer.parseInt(parts[3]), (recovery) -> {
					Map<String, Object> answer = new LinkedHashMap<>();
					answer.put("type", "recovery");
					answer.put("recovered", recovery.recovered());
					answer.put("position", String.valueOf(recovery.position()));
					answer.put("publications", texts(recovery.publications()));
					ws.send(answer);
				});
				return null;
			}
			case "sub" -> {
				ws.subscribe(parts[1]);
				return "subscribed " + parts[1];
			}
			case "pub" -> {
				ws.publish(parts[1], text.substring(text.indexOf(' ', 4) + 1));
				return null;
			}
			case "spub" -> {
				this.server.publish(parts[1], text.substring(text.indexOf(' ', 5) + 1));
				return null;
			}
			default -> {
				return "unknown " + text;
			}
		}
	}

	private static List<String> texts(List<Publication> publications) {
		return publications.stream().map(Publication::asText).toList();
	}

}
