package dev.wspubsub.hostile;

import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the default limits a client holds at most 1000 topics and names none longer than
 * 256 characters; past them its subscribe or publish is refused with an error reply and
 * counted, and the connection stays open.
 */
@SpringBootTest(classes = HostileApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TopicLimitTests {

	@LocalServerPort
	int port;

	@Autowired
	HostileApplication.Counted counted;

	@Test
	void theThousandAndFirstTopicOfAConnectionIsRefusedWithAnErrorAndCounted() {
		long before = this.counted.get("topic-refused:" + WsMetricsListener.TOPIC_REFUSED_TOO_MANY);
		try (WsTestClient client = HostileClients.connect(this.port, "/hostile")) {
			assertThat(client.sendAndAwait("subn many- 1000")).isEqualTo("subscribed 1000");
			client.send("sub one-more");
			assertError(client.awaitJson(), "Too many topics: at most 1000 per connection, refused one-more");
			assertThat(client.awaitMessage()).isEqualTo("not subscribed one-more");
			assertThat(this.counted.get("topic-refused:" + WsMetricsListener.TOPIC_REFUSED_TOO_MANY))
				.isEqualTo(before + 1);
			// A topic it holds is no new one; one it left makes room.
			assertThat(client.sendAndAwait("sub many-7")).isEqualTo("not subscribed many-7");
			assertThat(client.sendAndAwait("unsub many-7")).isEqualTo("unsubscribed many-7");
			assertThat(client.sendAndAwait("sub one-more")).isEqualTo("subscribed one-more");
		}
		// The limit is per connection.
		try (WsTestClient other = HostileClients.connect(this.port, "/hostile")) {
			assertThat(other.sendAndAwait("sub one-more")).isEqualTo("subscribed one-more");
		}
	}

	@Test
	void aTopicNameOverTwoHundredFiftySixCharactersIsRefusedForSubscribeAndPublish() {
		long before = this.counted.get("topic-refused:" + WsMetricsListener.TOPIC_REFUSED_TOO_LONG);
		String longest = "t".repeat(256);
		String tooLong = "t".repeat(257);
		try (WsTestClient client = HostileClients.connect(this.port, "/hostile");
				WsTestClient listener = HostileClients.connect(this.port, "/hostile")) {
			assertThat(client.sendAndAwait("sub " + longest)).isEqualTo("subscribed " + longest);
			client.send("sub " + tooLong);
			assertError(client.awaitJson(), "Topic name too long: at most 256 characters");
			assertThat(client.awaitMessage()).isEqualTo("not subscribed " + tooLong);
			client.send("pub " + tooLong + " hello");
			assertError(client.awaitJson(), "Topic name too long: at most 256 characters");
			assertThat(this.counted.get("topic-refused:" + WsMetricsListener.TOPIC_REFUSED_TOO_LONG))
				.isEqualTo(before + 2);
			assertThat(listener.sendAndAwait("sub " + longest)).isEqualTo("subscribed " + longest);
			client.send("pub " + longest + " still published");
			assertThat(listener.awaitMessage()).isEqualTo("still published");
		}
	}

	private static void assertError(JsonNode reply, String error) {
		assertThat(reply.get("type").stringValue()).isEqualTo("error");
		assertThat(reply.get("error").stringValue()).isEqualTo(error);
	}

}
