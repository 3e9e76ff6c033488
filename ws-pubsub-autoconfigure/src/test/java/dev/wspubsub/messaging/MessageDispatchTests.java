package dev.wspubsub.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @OnMessage}: JSON dispatch on {@code type}, bad input, errors and return values.
 */
class MessageDispatchTests extends SemanticsTestSupport {

	@Test
	void aTypedMessageIsBoundToTheHandlersRecord() {
		try (Connected c = open("/api")) {
			JsonNode reply = c.client().sendJsonAndAwait(Map.of("type", "chat", "room", "general", "text", "hi"));
			assertThat(reply.toString()).isEqualTo("{\"type\":\"chat\",\"room\":\"general\",\"text\":\"hi\"}");
		}
	}

	@Test
	void anInvalidPayloadIsAnsweredWithTheFieldAndTheReason() {
		try (Connected c = open("/api")) {
			assertError(c.client().sendJsonAndAwait(Map.of("type", "chat", "room", " ", "text", "hi")),
					"room: must not be blank");
			assertError(c.client().sendJsonAndAwait(Map.of("type", "chat", "room", "r", "text", "far too long")),
					"text: size must be at most 10");
		}
	}

	@Test
	void invalidJsonIsAnsweredWithAnError() {
		try (Connected c = open("/api")) {
			c.client().send("{not json");
			assertError(c.client().awaitJson(), "Invalid JSON");
		}
	}

	@Test
	void anUnknownTypeIsAnsweredWithAnError() {
		try (Connected c = open("/api")) {
			assertError(c.client().sendJsonAndAwait(Map.of("type", "dance")), "Unknown message type: dance");
		}
	}

	@Test
	void aFailingHandlerIsAnsweredWithAnErrorAndTheConnectionStaysOpen() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "ApiEndpoint.fail()", "ApiEndpoint.badArgument()");
				Connected c = open("/api")) {
			assertError(c.client().sendJsonAndAwait(Map.of("type", "fail")), "Internal server error");
			assertError(c.client().sendJsonAndAwait(Map.of("type", "bad-argument")), "count must be positive");
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "record")).get("text").stringValue()).isEqualTo("hi");
			assertThat(c.client().isOpen()).isTrue();
			assertThat(log.thrown()).as("each failure logged with its exception")
				.map(Throwable::getMessage)
				.containsExactly("a bug in the handler", "count must be positive");
		}
	}

	@Test
	void onErrorReplacesTheDefaultErrorReply() {
		try (WsTestClient client = connect("/custom-errors")) {
			JsonNode failed = client.sendJsonAndAwait(Map.of("type", "fail"));
			assertThat(failed.get("type").stringValue()).isEqualTo("oops");
			assertThat(failed.get("text").stringValue()).isEqualTo("IllegalStateException: boom");
			client.send("{not json");
			assertThat(client.awaitJson().get("text").stringValue()).isEqualTo("InvalidMessageException: Invalid JSON");
			assertThat(
					client.sendJsonAndAwait(Map.of("type", "chat", "room", "", "text", "x")).get("text").stringValue())
				.isEqualTo("InvalidMessageException: room: must not be blank");
			assertThat(client.sendAndAwait("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"fine\"}")).isEqualTo("fine");
		}
	}

	@Test
	void returnValuesAreSentToTheSender() {
		try (Connected c = open("/api")) {
			assertThat(c.client().sendAndAwait("{\"type\":\"string\"}")).isEqualTo("plain text");
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "record")).get("type").stringValue())
				.isEqualTo("greeting");
			c.client().sendJson(Map.of("type", "bytes"));
			assertThat(c.client().awaitBinary()).containsExactly(1, 2, 3);
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "mono")).get("text").stringValue())
				.isEqualTo("later");
			c.client().sendJson(Map.of("type", "flux"));
			assertThat(numbers(c.client().awaitMessages(3, TIMEOUT))).containsExactly(1, 2, 3);
		}
	}

	@Test
	void asynchronousHandlersKeepTheConnectionsOrder() {
		try (Connected c = open("/api")) {
			for (int i = 0; i < 200; i++) {
				c.client().sendJson(Map.of("type", "async", "n", i));
			}
			assertThat(numbers(c.client().awaitMessages(200, TIMEOUT.multipliedBy(3)))).isEqualTo(range(200));
		}
	}

	@Test
	void blockingHandlersRunOffTheEventLoopAndKeepTheConnectionsOrder() {
		try (Connected c = open("/api")) {
			for (int i = 0; i < 200; i++) {
				c.client().sendJson(Map.of("type", "blocking", "n", i));
			}
			List<String> replies = c.client().awaitMessages(200, TIMEOUT.multipliedBy(3));
			assertThat(numbers(replies)).isEqualTo(range(200));
			assertThat(replies).extracting((reply) -> json(reply).get("thread").stringValue())
				.allMatch((thread) -> thread.startsWith("ws-pubsub-blocking"));
		}
	}

	@Test
	void rawHandlersReceiveTextAndBytes() {
		try (WsTestClient client = connect("/echo")) {
			assertThat(client.sendAndAwait("not JSON, and that is fine")).isEqualTo("not JSON, and that is fine");
			client.sendBinary(new byte[] { 1, 2, 3 });
			assertThat(client.awaitBinary()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void aRawBinaryHandlerCanTakeAByteBuffer() {
		try (WsTestClient client = connect("/byte-buffer")) {
			client.sendBinary(new byte[] { 1, 2, 3, 4 });
			assertThat(client.awaitBinary()).containsExactly(4, 3, 2, 1);
		}
	}

	private static void assertError(JsonNode reply, String error) {
		assertThat(reply.toString()).isEqualTo("{\"type\":\"error\",\"error\":\"" + error + "\"}");
	}

	private static List<Integer> numbers(List<String> replies) {
		return replies.stream().map((reply) -> json(reply).get("n").intValue()).toList();
	}

	private static List<Integer> range(int n) {
		List<Integer> numbers = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			numbers.add(i);
		}
		return numbers;
	}

}
