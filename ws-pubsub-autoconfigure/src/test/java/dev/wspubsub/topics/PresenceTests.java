package dev.wspubsub.topics;

import java.time.Duration;
import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code server.presence(topic)}: who entered a topic, as the presence registry records
 * it.
 */
class PresenceTests extends SemanticsTestSupport {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	WsServer server;

	@Autowired
	PresenceRegistry presence;

	@Test
	void serverPresenceListsWhoJoinedATopicUntilTheyLeave() {
		this.presence.join("lobby-presence", "s1", "ann").block(TIMEOUT);
		this.presence.join("lobby-presence", "s2", "bob").block(TIMEOUT);
		this.presence.join("elsewhere", "s3", "cid").block(TIMEOUT);
		assertThat(this.server.presence("lobby-presence").block(TIMEOUT)).isEqualTo(Map.of("s1", "ann", "s2", "bob"));

		this.presence.leave("lobby-presence", "s1").block(TIMEOUT);
		assertThat(this.server.presence("lobby-presence").block(TIMEOUT)).isEqualTo(Map.of("s2", "bob"));
		assertThat(this.server.presence("nobody-here").block(TIMEOUT)).isEmpty();
	}

}
