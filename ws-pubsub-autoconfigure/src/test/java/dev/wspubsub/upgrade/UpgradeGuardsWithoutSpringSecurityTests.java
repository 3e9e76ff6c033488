package dev.wspubsub.upgrade;

import java.util.List;
import java.util.Map;

import dev.wspubsub.internal.security.ConnectionLimitWebFilter;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.GuardedApplication;
import dev.wspubsub.testapp.WsTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The origin check (same origin by default), the connection caps and the rate limit hold
 * in an application without Spring Security, as most are: this execution of the tests has
 * Spring Security off the classpath (see the module's pom). The global cap is reached
 * through {@code X-Forwarded-For} addresses, as behind a proxy, so the per-address cap of
 * the test's own address does not answer first.
 */
@SpringBootTest(classes = GuardedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.max-connections=3", "ws-pubsub.max-connections-per-ip=2",
				"server.forward-headers-strategy=framework", "ws-pubsub.rate-limit.messages-per-second=1",
				"ws-pubsub.rate-limit.burst=3", "ws-pubsub.rate-limit.max-excess=6" })
class UpgradeGuardsWithoutSpringSecurityTests extends WsTestSupport {

	private static final String EXCEEDED = "{\"type\":\"error\",\"error\":\"Rate limit exceeded\"}";

	@Autowired
	ConnectionLimitWebFilter limits;

	@BeforeEach
	void noConnectionsLeft() {
		// Places are given back when channels close, asynchronously: earlier tests' must
		// be back.
		await().atMost(TIMEOUT).until(() -> this.limits.connections() == 0);
	}

	@Test
	void springSecurityIsNotOnTheClasspath() {
		assertThat(ClassUtils.isPresent("org.springframework.security.core.Authentication", null)).isFalse();
	}

	@Test
	void aForeignOriginGets403AndOnlyTheSameOriginIsAllowedByDefault() {
		assertThat(status(Map.of("Origin", "https://evil.example"))).isEqualTo(403);
		assertThat(status(Map.of("Origin", "http://localhost:" + (this.port + 1)))).isEqualTo(403);
		assertThat(status(Map.of("Origin", "null"))).isEqualTo(403);
		assertThat(status(Map.of("Origin", "http://localhost:" + this.port))).isEqualTo(101);
		assertThat(status(Map.of())).as("no Origin: not a browser").isEqualTo(101);
	}

	@Test
	void aThirdConnectionFromOneAddressGets429UntilOneCloses() {
		WsTestClient first = connect("/echo");
		try (WsTestClient second = connect("/echo")) {
			assertThat(first.sendAndAwait("1")).isEqualTo("1");
			assertThat(second.sendAndAwait("2")).isEqualTo("2");
			assertThat(status(Map.of())).isEqualTo(429);
			first.close();
			await().atMost(TIMEOUT).until(() -> status(Map.of()) == 101);
		}
		finally {
			first.close();
		}
	}

	@Test
	void anUpgradePastMaxConnectionsGets503UntilOneCloses() {
		WsTestClient first = connect("/echo");
		try (WsTestClient second = connect("/echo"); WsTestClient third = connectFrom("203.0.113.7")) {
			assertThat(third.sendAndAwait("3")).isEqualTo("3");
			assertThat(status(Map.of("X-Forwarded-For", "203.0.113.8"))).isEqualTo(503);
			first.close();
			await().atMost(TIMEOUT).until(() -> status(Map.of("X-Forwarded-For", "203.0.113.8")) == 101);
		}
		finally {
			first.close();
		}
	}

	@Test
	void messagesPastTheBurstGetAnErrorReplyAndPersistentExcessClosesWith1008() {
		try (WsTestClient client = connect("/echo")) {
			for (int i = 0; i < 5; i++) {
				client.send("m" + i);
			}
			List<String> replies = client.awaitMessages(5, TIMEOUT);
			assertThat(replies.subList(0, 3)).containsExactly("m0", "m1", "m2");
			// One token a second: the last two came too fast for both to find one.
			assertThat(replies.subList(3, 5)).contains(EXCEEDED);
			assertThat(client.isOpen()).isTrue();
			for (int i = 0; i < 20 && client.isOpen(); i++) {
				try {
					client.send("flood" + i);
				}
				catch (RuntimeException closedMeanwhile) {
					break;
				}
			}
			assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new CloseStatus(1008, "Rate limit exceeded"));
		}
	}

	private int status(Map<String, String> headers) {
		return RawWebSocket.upgradeStatus(uri("/echo"), headers);
	}

	private WsTestClient connectFrom(String forwardedFor) {
		return WsTestClient.builder(uri("/echo"))
			.header("X-Forwarded-For", forwardedFor)
			.defaultTimeout(TIMEOUT)
			.connect();
	}

}
