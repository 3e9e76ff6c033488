package dev.wspubsub.hostile;

import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ws.publish} reaches every subscriber but the sender, also when the sender shares
 * its event loop with other subscribers of the topic (one I/O thread here, so every
 * connection does): that is where the sender must be skipped one by one, not by skipping
 * its loop's whole group.
 */
class PublishExcludesSenderTests {

	private int port;

	private WsServer server;

	@Test
	void aSessionsPublishReachesTheOthersOnItsOwnLoopButNeverItself() {
		// Started by hand: a test context would serve on loops of its own choosing.
		SpringApplication application = new SpringApplication(HostileApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(Map.of("server.port", "0", "ws-pubsub.io-threads", "1"));
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		try (ConfigurableApplicationContext context = application.run()) {
			this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
			this.server = context.getBean(WsServer.class);
			assertSenderExcluded();
		}
	}

	private void assertSenderExcluded() {
		try (WsTestClient sender = HostileClients.connect(this.port, "/hostile");
				WsTestClient sameLoop = HostileClients.connect(this.port, "/hostile");
				WsTestClient another = HostileClients.connect(this.port, "/hostile")) {
			for (WsTestClient client : new WsTestClient[] { sender, sameLoop, another }) {
				assertThat(client.sendAndAwait("sub self-test")).isEqualTo("subscribed self-test");
			}
			await().until(() -> this.server.subscriberCount("self-test") == 3);
			assertThat(this.server.sessions().stream().map(PublishExcludesSenderTests::loopThread).distinct())
				.as("every connection on one loop")
				.hasSize(1);
			sender.send("pub self-test mine");
			assertThat(sameLoop.awaitMessage()).isEqualTo("mine");
			assertThat(another.awaitMessage()).isEqualTo("mine");
			// Published after "mine" reached the others: had "mine" reached the sender,
			// it
			// would come first.
			this.server.publish("self-test", "marker");
			assertThat(sender.awaitMessage()).isEqualTo("marker");
			assertThat(sameLoop.awaitMessage()).isEqualTo("marker");
		}
	}

	private static String loopThread(WsSession<?> session) {
		try {
			return ((WsConnection) session).channel().eventLoop().submit(() -> Thread.currentThread().getName()).get();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
