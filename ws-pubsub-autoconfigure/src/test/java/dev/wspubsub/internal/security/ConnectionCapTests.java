package dev.wspubsub.internal.security;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "ws-pubsub.max-connections-per-ip=2")
class ConnectionCapTests {

	@LocalServerPort
	int port;

	@Autowired
	ConnectionLimitWebFilter limits;

	private URI uri() {
		return URI.create("ws://localhost:" + this.port + "/open");
	}

	private int status() {
		return RawWebSocket.upgradeStatus(uri(), Map.of());
	}

	@Test
	void aThirdConnectionFromOneAddressGets429UntilOneCloses() {
		WsTestClient first = WsTestClient.connect(uri());
		try (WsTestClient second = WsTestClient.connect(uri())) {
			assertThat(first.sendAndAwait("1")).isEqualTo("1");
			assertThat(second.sendAndAwait("2")).isEqualTo("2");
			long rejectedBefore = this.limits.rejectedPerAddress();
			assertThat(status()).isEqualTo(429);
			assertThat(this.limits.rejectedPerAddress()).isEqualTo(rejectedBefore + 1);
			first.close();
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status() == 101);
		}
		finally {
			first.close();
		}
	}

}
