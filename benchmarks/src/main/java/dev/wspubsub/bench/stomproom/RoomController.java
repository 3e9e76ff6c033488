package dev.wspubsub.bench.stomproom;

import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.stereotype.Controller;

/**
 * A chat room as a Spring STOMP application writes it: a message sent to
 * {@code /app/chat} is relayed to everyone on {@code /topic/room}. Used when the load
 * client sends through the application ({@code --destination /app/chat}); sent to
 * {@code /topic/room} directly, messages go through the broker alone.
 */
@Controller
public class RoomController {

	@MessageMapping("/chat")
	@SendTo("/topic/room")
	public String chat(String message) {
		return message;
	}

}
