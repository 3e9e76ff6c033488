package dev.wspubsub.internal.sse;

import java.util.Base64;

import dev.wspubsub.Publication;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.spi.OutboundMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The events of a stream: a message's text as data (binary as base64 in a {@code binary}
 * event), and the {@code reset} that tells a resuming client its events are lost.
 */
final class SseEvents {

	/** The event that begins a stream whose missed events cannot be replayed. */
	static final String RESET = "reset";

	private SseEvents() {
	}

	static ServerSentEvent<String> of(OutboundMessage message, @Nullable String id) {
		return message.isText() ? event(message.text(), false, id) : event(base64(message.bytes()), true, id);
	}

	static ServerSentEvent<String> of(Publication publication) {
		String id = publication.position().toString();
		return publication.text() ? event(publication.asText(), false, id)
				: event(base64(publication.payload()), true, id);
	}

	/**
	 * The data and id are the position from which live events follow; the data is empty
	 * when the history cannot be read now (EventSource still dispatches it).
	 */
	static ServerSentEvent<String> reset(@Nullable StreamPosition current) {
		String position = (current != null) ? current.toString() : "";
		ServerSentEvent.Builder<String> reset = ServerSentEvent.builder(position).event(RESET);
		return (current != null) ? reset.id(position).build() : reset.build();
	}

	private static ServerSentEvent<String> event(String data, boolean binary, @Nullable String id) {
		ServerSentEvent.Builder<String> event = ServerSentEvent.builder(data);
		if (binary) {
			event.event("binary");
		}
		if (id != null) {
			event.id(id);
		}
		return event.build();
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

}
