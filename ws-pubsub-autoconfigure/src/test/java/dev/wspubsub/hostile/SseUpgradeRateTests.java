package dev.wspubsub.hostile;

import java.net.URI;

import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.wspubsub.hostile.HostileClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opening and closing event streams as fast as one can is bounded by the per-address rate
 * of upgrades, as opening and closing WebSockets is: each stream runs the same guards and
 * subscribes a topic.
 */
@SpringBootTest(classes = HostileApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.sse.enabled=true", "ws-pubsub.max-upgrades-per-ip-per-second=2" })
class SseUpgradeRateTests {

	@LocalServerPort
	int port;

	@Autowired
	HostileApplication.Counted counted;

	@Test
	void streamsOpenedFasterThanTheUpgradeRateAreRefusedWith429AndCounted() {
		URI stream = URI.create("http://localhost:" + this.port + "/sse/churn");
		long before = this.counted.get("rejected:" + WsMetricsListener.REJECTED_UPGRADE_RATE);
		int refused = 0;
		// A burst of two is allowed; ten in well under a second cannot all be.
		for (int i = 0; i < 10; i++) {
			try (SseTestClient client = SseTestClient.connect(stream, TIMEOUT)) {
				int status = client.response().statusCode();
				assertThat(status).isIn(200, 429);
				if (status == 429) {
					refused++;
				}
			}
		}
		assertThat(refused).isPositive();
		assertThat(this.counted.get("rejected:" + WsMetricsListener.REJECTED_UPGRADE_RATE)).isEqualTo(before + refused);
	}

}
