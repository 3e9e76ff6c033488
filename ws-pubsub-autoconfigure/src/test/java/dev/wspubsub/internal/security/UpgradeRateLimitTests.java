package dev.wspubsub.internal.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.RawWebSocket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ws-pubsub.max-upgrades-per-ip-per-second} over real sockets. Each test plays its
 * own client machine from an address of 127.0.0.0/8 (Linux routes them all to loopback),
 * so the tests' buckets are their own.
 */
@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "ws-pubsub.max-upgrades-per-ip-per-second=5")
class UpgradeRateLimitTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	ConnectionLimitWebFilter limits;

	@Autowired
	MeterRegistry meters;

	@Test
	void anAddressPastItsUpgradesASecondGets429BeforeTheEndpointRunsWhileAnotherAddressUpgrades() {
		double rejectedBefore = rejectedForRate();
		double openedBefore = opened();
		List<Integer> statuses = new ArrayList<>();
		RawWebSocket refused = null;
		for (int i = 0; i < 50 && refused == null; i++) {
			RawWebSocket ws = RawWebSocket.connectFrom(address("127.0.0.2"), uri(), Map.of());
			statuses.add(ws.status());
			if (ws.status() == 101) {
				ws.close();
			}
			else {
				refused = ws;
			}
		}
		assertThat(statuses).as("the burst of five, then a refusal").startsWith(101, 101, 101, 101, 101).endsWith(429);
		try (RawWebSocket answer = refused) {
			assertThat(answer.header("Retry-After")).isEqualTo("1");
			assertThat(answer.responseBody()).isEqualTo("Too many upgrades from this address");
			assertThat(answer.awaitEof(TIMEOUT)).as("the server closes the refused connection").isTrue();
		}
		assertThat(statusFrom("127.0.0.1")).as("another address").isEqualTo(101);
		assertThat(rejectedForRate() - rejectedBefore).isEqualTo(1);
		long upgraded = statuses.stream().filter((status) -> status == 101).count() + 1; // and
																							// the
																							// other
																							// address's
		await().atMost(TIMEOUT).until(() -> opened() - openedBefore >= upgraded);
		assertThat(opened() - openedBefore).as("connections the endpoint opened: the 101s only").isEqualTo(upgraded);
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> statusFrom("127.0.0.2") == 101);
	}

	@Test
	void addressesThatStoppedUpgradingAreForgotten() {
		for (int i = 3; i < 8; i++) {
			assertThat(statusFrom("127.0.0." + i)).isEqualTo(101);
		}
		assertThat(this.limits.rateLimitedAddresses()).isGreaterThanOrEqualTo(5);
		// A bucket refills in a second; the next upgrade after a second's sweep forgets
		// the full ones.
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(300))
			.until(() -> statusFrom("127.0.0.8") == 101 && this.limits.rateLimitedAddresses() == 1);
	}

	private int statusFrom(String address) {
		try (RawWebSocket ws = RawWebSocket.connectFrom(address(address), uri(), Map.of())) {
			return ws.status();
		}
	}

	private double rejectedForRate() {
		Counter counter = this.meters.find("wspubsub.upgrades.rejected")
			.tags("endpoint", "/open", "reason", WsMetricsListener.REJECTED_UPGRADE_RATE)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double opened() {
		Counter counter = this.meters.find("wspubsub.connections.opened").tags("endpoint", "/open").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private URI uri() {
		return URI.create("ws://127.0.0.1:" + this.port + "/open");
	}

	private static InetAddress address(String address) {
		try {
			return InetAddress.getByName(address);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
