package dev.wspubsub.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import dev.wspubsub.testapp.ExpectedLog;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JSON message with an {@code id} is a request: the replies it causes carry the same
 * {@code id}.
 */
class RequestReplyTests extends SemanticsTestSupport {

	@Test
	void aReturnedValueCarriesTheRequestsId() {
		try (Connected c = open("/api")) {
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "record", "id", 7)).toString())
				.isEqualTo("{\"type\":\"greeting\",\"text\":\"hi\",\"id\":7}");
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "mono", "id", "m-1")).toString())
				.isEqualTo("{\"type\":\"greeting\",\"text\":\"later\",\"id\":\"m-1\"}");
		}
	}

	@Test
	void errorRepliesCarryTheRequestsId() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "ApiEndpoint.fail()"); Connected c = open("/api")) {
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "fail", "id", 1)).toString())
				.isEqualTo("{\"type\":\"error\",\"error\":\"Internal server error\",\"id\":1}");
			assertThat(
					c.client().sendJsonAndAwait(Map.of("type", "chat", "room", " ", "text", "hi", "id", 2)).toString())
				.isEqualTo("{\"type\":\"error\",\"error\":\"room: must not be blank\",\"id\":2}");
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "dance", "id", 3)).toString())
				.isEqualTo("{\"type\":\"error\",\"error\":\"Unknown message type: dance\",\"id\":3}");
			assertThat(log.lines()).hasSize(1);
		}
	}

	@Test
	void withoutAnIdRepliesAreUnchanged() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "ApiEndpoint.fail()"); Connected c = open("/api")) {
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "record")).toString())
				.isEqualTo("{\"type\":\"greeting\",\"text\":\"hi\"}");
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "fail")).toString())
				.isEqualTo("{\"type\":\"error\",\"error\":\"Internal server error\"}");
			// Text is not JSON the runtime could add a field to: it goes as it is.
			assertThat(c.client().sendAndAwait("{\"type\":\"string\",\"id\":4}")).isEqualTo("plain text");
			assertThat(log.lines()).hasSize(1);
		}
	}

	@Test
	void aHandlerThatReturnsNothingSendsNothing() {
		try (Connected c = open("/api")) {
			c.client().sendJson(Map.of("type", "note", "id", 5));
			// The next request's reply is the first message: nothing came for the note.
			JsonNode next = c.client().sendJsonAndAwait(Map.of("type", "record", "id", 6));
			assertThat(next.get("id").intValue()).isEqualTo(6);
			c.client().assertNoMessage(Duration.ofMillis(200));
			assertThat(c.client().drain()).isEqualTo(List.of());
		}
	}

}
