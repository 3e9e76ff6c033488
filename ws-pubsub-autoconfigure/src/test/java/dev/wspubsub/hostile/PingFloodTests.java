package dev.wspubsub.hostile;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.wspubsub.hostile.HostileClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each ping is answered with a pong: a client that pings and never reads must not grow
 * its connection's buffer past the hard cap (four times {@code backpressure-limit}) that
 * bounds every other send.
 */
@SpringBootTest(classes = HostileApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PingFloodTests {

	private static final long CAP = 4 * HostileApplication.LIMIT;

	/** One pong as the channel counts it: a 2-byte header, 125 bytes, 96 of Netty's. */
	private static final long PONG = 2 + 125 + 96;

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	HostileApplication.Counted counted;

	@Test
	void aClientThatPingsAndNeverReadsStaysWithinTheHardCapAndOthersAreServed() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "does not read: past");
				RawWebSocket attacker = RawWebSocket.connect(HostileClients.uri(this.port, "/hostile"))) {
			WsSession<?> session = HostileClients.session(this.server, HostileClients.helloId(attacker));
			// 20,000 pings: 2.6MB in, 4.4MB of pongs as the channel counts them.
			byte[] pings = HostileClients.pings(1000, 125);
			for (int i = 0; i < 20; i++) {
				attacker.sendRawBytes(pings);
			}
			// Frames are handled in order: once this one is, every ping before it was.
			attacker.sendText("sub after-pings");
			await().atMost(TIMEOUT).until(() -> session.isSubscribed("after-pings"));
			assertThat(HostileClients.steadyBufferedAmount(session)).isLessThanOrEqualTo(CAP + PONG);
			assertThat(this.counted.get("dropped:" + WsMetricsListener.DROPPED_SLOW_CONSUMER)).isPositive();
			assertThat(session.readyState()).as("pongs dropped, the connection kept").isEqualTo(WsSession.OPEN);
			assertThat(log.lines()).as("dropping logged once").hasSize(1);
			try (WsTestClient bystander = HostileClients.connect(this.port, "/hostile")) {
				assertThat(bystander.sendAndAwait("still served")).isEqualTo("still served");
			}
		}
	}

}
