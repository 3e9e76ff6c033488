package dev.wspubsub.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import dev.wspubsub.testapp.Messages.Audit;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @OnPing}, {@code @OnPong} and {@code @Topic} methods. */
class HookTests extends SemanticsTestSupport {

	@Test
	void aClientPingIsAnsweredWithAPongAndReachesOnPing() {
		try (Connected c = open("/api")) {
			c.client().ping("knock".getBytes(StandardCharsets.UTF_8));
			assertThat(c.client().awaitPong(TIMEOUT)).asString(StandardCharsets.UTF_8).isEqualTo("knock");
			assertThat(c.client().awaitMessage()).isEqualTo("ping:knock");
		}
	}

	@Test
	void theClientsPongToAServerPingReachesOnPong() {
		try (Connected c = open("/api")) {
			assertThat(c.session().ping("anyone?".getBytes(StandardCharsets.UTF_8))).isPositive();
			assertThat(c.client().awaitMessage()).isEqualTo("pong:anyone?");
		}
	}

	@Test
	void aTopicPublisherMethodReachesSubscribedClients() {
		try (Connected c = open("/api")) {
			assertThat(c.session().subscribe("ticks")).isTrue();
			assertThat(c.client().awaitType("tick").get("n").isNumber()).isTrue();
			assertThat(c.client().awaitType("tick").get("n").longValue()).isPositive();
		}
	}

	@Test
	void aTopicListenerMethodReceivesWhatTheServerPublishes() {
		this.events.audits.clear();
		assertThat(this.server.subscriberCount("audit")).isEqualTo(1);
		assertThat(this.server.publish("audit", new Audit("from the server"))).isPositive();
		assertThat(this.events.awaitAudit()).isEqualTo(new Audit("from the server"));
	}

	@Test
	void aTopicListenerMethodReceivesWhatASessionPublishes() {
		this.events.audits.clear();
		String action = "from a client " + UUID.randomUUID();
		try (Connected c = open("/api")) {
			c.client()
				.sendJsonAndAwait(
						Map.of("type", "publish", "topic", "audit", "text", "{\"action\":\"" + action + "\"}"));
			assertThat(this.events.awaitAudit()).isEqualTo(new Audit(action));
		}
	}

}
