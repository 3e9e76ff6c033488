package dev.wspubsub.internal.security;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.allowed-origins=https://app.example.com",
				"ws-pubsub.security.topic-rules[0].pattern=user:{sub}",
				"ws-pubsub.security.topic-rules[1].pattern=announcements",
				"ws-pubsub.security.topic-rules[1].publish=false" })
@Import(TopicAuthorizationTests.StaffOnly.class)
class TopicAuthorizationTests {

	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	private WsTestClient connect(String subject) {
		WsTestClient client = WsTestClient
			.connect(URI.create("ws://localhost:" + this.port + "/secure?access_token=" + Tokens.valid(subject)));
		client.awaitType("welcome");
		return client;
	}

	/** A round trip: the connection is open and its messages are still handled. */
	private static void assertAnswers(WsTestClient client, String subject) {
		client.sendJson(Map.of("type", "whoami"));
		assertThat(client.awaitType("you").get("jwt").stringValue()).isEqualTo(subject);
	}

	private static JsonNode subscribe(WsTestClient client, String topic) {
		client.sendJson(Map.of("type", "subscribe", "topic", topic));
		return client.awaitType("subscribed");
	}

	@Test
	void aUserSubscribesToTheirOwnPrivateTopicButNotToAnothers() {
		try (WsTestClient alice = connect("alice")) {
			assertThat(subscribe(alice, "user:alice").get("ok").asBoolean()).isTrue();
			alice.sendJson(Map.of("type", "subscribe", "topic", "user:bob"));
			assertThat(alice.awaitType("error").get("error").stringValue()).isEqualTo("Forbidden: user:bob");
			assertThat(alice.awaitType("subscribed").get("ok").asBoolean()).isFalse();
		}
	}

	@Test
	void aDeniedSubscriberReceivesNothingFromTheTopic() {
		try (WsTestClient alice = connect("alice"); WsTestClient bob = connect("bob")) {
			alice.sendJson(Map.of("type", "subscribe", "topic", "user:bob"));
			alice.awaitType("error");
			alice.awaitType("subscribed");
			assertThat(subscribe(bob, "user:bob").get("ok").asBoolean()).isTrue();
			bob.sendJson(Map.of("type", "server_publish", "topic", "user:bob"));
			assertThat(bob.awaitType("message").get("from").stringValue()).isEqualTo("server");
			bob.awaitType("published");
			alice.assertNoMessage(QUIET);
			assertAnswers(alice, "alice");
		}
	}

	@Test
	void aUserCannotPublishToAnotherUsersPrivateTopic() {
		try (WsTestClient alice = connect("alice"); WsTestClient bob = connect("bob")) {
			subscribe(bob, "user:bob");
			alice.sendJson(Map.of("type", "publish", "topic", "user:bob"));
			assertThat(alice.awaitType("error").get("error").stringValue()).isEqualTo("Forbidden: user:bob");
			assertThat(alice.awaitType("published").get("result").asInt()).isZero();
			bob.assertNoMessage(QUIET);
			assertAnswers(bob, "bob");
		}
	}

	@Test
	void aTopicClientsMayOnlyListenToIsPublishedByTheServerAlone() {
		try (WsTestClient alice = connect("alice"); WsTestClient bob = connect("bob")) {
			assertThat(subscribe(alice, "announcements").get("ok").asBoolean()).isTrue();
			bob.sendJson(Map.of("type", "publish", "topic", "announcements"));
			assertThat(bob.awaitType("error").get("error").stringValue()).isEqualTo("Forbidden: announcements");
			alice.assertNoMessage(QUIET);
			bob.sendJson(Map.of("type", "server_publish", "topic", "announcements"));
			assertThat(alice.awaitType("message").get("from").stringValue()).isEqualTo("server");
		}
	}

	@Test
	void aTopicAuthorizerBeanIsConsultedBesideTheRules() {
		try (WsTestClient alice = connect("alice"); WsTestClient staff = connect("staff-carol")) {
			alice.sendJson(Map.of("type", "subscribe", "topic", "staff:room"));
			assertThat(alice.awaitType("error").get("error").stringValue()).isEqualTo("Forbidden: staff:room");
			assertThat(subscribe(staff, "staff:room").get("ok").asBoolean()).isTrue();
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class StaffOnly {

		@Bean
		TopicAuthorizer staffOnly() {
			return new TopicAuthorizer() {
				@Override
				public boolean canSubscribe(String topic, Client client) {
					return !topic.startsWith("staff:")
							|| (client.principal() != null && client.principal().getName().startsWith("staff-"));
				}
			};
		}

	}

}
