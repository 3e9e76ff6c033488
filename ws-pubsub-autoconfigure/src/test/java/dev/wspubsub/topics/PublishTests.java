package dev.wspubsub.topics;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import dev.wspubsub.testapp.Messages.Greeting;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ws.publish} and {@code server.publish}: who receives what, and what they answer.
 */
class PublishTests extends SemanticsTestSupport {

	@Test
	void sessionPublishReachesTheOtherSubscribersButNotTheSender() {
		String topic = topic();
		try (Connected a = open("/api"); Connected b = open("/api")) {
			subscribe(a, topic);
			subscribe(b, topic);
			JsonNode published = a.client().sendJsonAndAwait(publish(topic, "hi"));
			assertThat(published.get("type").stringValue()).isEqualTo("published");
			assertThat(published.get("value").intValue()).isEqualTo(2);
			assertThat(b.client().awaitMessage()).isEqualTo("hi");
			// A marker published after the reply: had "hi" reached the sender, it would
			// come first.
			this.server.publish(topic, "marker");
			assertThat(a.client().awaitMessage()).isEqualTo("marker");
			assertThat(b.client().awaitMessage()).isEqualTo("marker");
		}
	}

	@Test
	void sessionPublishReachesTheSenderWhenTheEndpointOverridesPublishToSelf() {
		String topic = topic();
		try (Connected a = open("/api-self"); Connected b = open("/api-self")) {
			subscribe(a, topic);
			subscribe(b, topic);
			a.client().sendJson(publish(topic, "echoed"));
			assertThat(a.client().awaitMessages(2, TIMEOUT)).contains("echoed");
			assertThat(b.client().awaitMessage()).isEqualTo("echoed");
		}
	}

	@Test
	void sessionPublishAnswersZeroWhenOnlyTheSenderIsSubscribed() {
		String topic = topic();
		try (Connected a = open("/api")) {
			subscribe(a, topic);
			assertThat(a.client().sendJsonAndAwait(publish(topic, "alone")).get("value").intValue()).isZero();
			assertThat(a.client().sendJsonAndAwait(publish(topic(), "nobody")).get("value").intValue()).isZero();
		}
	}

	@Test
	void serverPublishReachesEverySubscriberAndAnswersThePayloadSize() {
		String topic = topic();
		try (Connected a = open("/api"); Connected b = open("/api"); Connected outsider = open("/api")) {
			assertThat(a.session().subscribe(topic)).isTrue();
			assertThat(b.session().subscribe(topic)).isTrue();

			assertThat(this.server.publish(topic, "hello")).isEqualTo(5);
			assertThat(a.client().awaitMessage()).isEqualTo("hello");
			assertThat(b.client().awaitMessage()).isEqualTo("hello");

			int jsonBytes = this.server.publish(topic, new Greeting("greeting", "all"));
			JsonNode json = a.client().awaitJson();
			assertThat(json.get("text").stringValue()).isEqualTo("all");
			assertThat(jsonBytes).isEqualTo(json.toString().getBytes(StandardCharsets.UTF_8).length);
			assertThat(b.client().awaitJson()).isEqualTo(json);

			assertThat(this.server.publish(topic, new byte[] { 1, 2, 3, 4 }, true)).isEqualTo(4);
			assertThat(a.client().awaitBinary()).containsExactly(1, 2, 3, 4);
			assertThat(b.client().awaitBinary()).containsExactly(1, 2, 3, 4);

			outsider.session().sendText("direct");
			assertThat(outsider.client().awaitMessage()).isEqualTo("direct");
		}
	}

	@Test
	void serverPublishReachesAConnectionThatAlsoPublishes() {
		String topic = topic();
		try (Connected a = open("/api")) {
			subscribe(a, topic);
			a.client().sendJsonAndAwait(publish(topic, "from the session"));
			this.server.publish(topic, "from the server");
			assertThat(a.client().awaitMessage()).isEqualTo("from the server");
		}
	}

	@Test
	void serverPublishAnswersZeroWhenNobodySubscribed() {
		assertThat(this.server.publish(topic(), "into the void")).isZero();
		assertThat(this.server.publish(topic(), new Greeting("greeting", "void"))).isZero();
	}

	private static void subscribe(Connected connected, String topic) {
		JsonNode reply = connected.client().sendJsonAndAwait(Map.of("type", "subscribe", "topic", topic));
		assertThat(reply.get("value").booleanValue()).isTrue();
	}

	private static Map<String, String> publish(String topic, String text) {
		return Map.of("type", "publish", "topic", topic, "text", text);
	}

	private static String topic() {
		return "room-" + UUID.randomUUID();
	}

}
