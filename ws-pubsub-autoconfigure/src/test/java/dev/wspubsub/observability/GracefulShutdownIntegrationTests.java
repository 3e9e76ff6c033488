package dev.wspubsub.observability;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A real application, real clients, a real context close. */
class GracefulShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final List<AutoCloseable> clients = new ArrayList<>();

	private ConfigurableApplicationContext context;

	@AfterEach
	void cleanUp() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void closingTheContextSendsGoingAwayToEveryClientAndRefusesNewUpgrades() throws Exception {
		this.context = new SpringApplicationBuilder(RoomsApplication.class)
			.properties("server.port=0", "ws-pubsub.sse.enabled=true", "spring.main.banner-mode=off")
			.run();
		int port = this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		URI rooms = URI.create("ws://localhost:" + port + "/rooms");
		List<WsTestClient> sockets = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			WsTestClient client = track(WsTestClient.builder(rooms).defaultTimeout(TIMEOUT).connect());
			client.sendJson(Map.of("type", "join", "room", "lobby"));
			client.awaitType("joined");
			sockets.add(client);
		}
		// Never answers a close frame: the server keeps waiting for it, so shutdown is still under way.
		RawWebSocket slow = track(RawWebSocket.connect(rooms));
		assertThat(slow.status()).isEqualTo(101);
		SseTestClient sse = track(SseTestClient.connect(URI.create("http://localhost:" + port + "/sse/lobby"), TIMEOUT));
		sse.awaitLine(":subscribed", TIMEOUT);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close);

		for (WsTestClient client : sockets) {
			assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new CloseStatus(1001, "Going Away"));
		}
		Frame close = slow.awaitClose(TIMEOUT);
		assertThat(close.closeCode()).isEqualTo(1001);
		assertThat(close.closeReason()).isEqualTo("Going Away");
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> track(WsTestClient.builder(rooms).defaultTimeout(TIMEOUT).connect()))
			.satisfies((rejected) -> assertThat(rejected.status()).isEqualTo(503));
		sse.awaitEnd(TIMEOUT);
		// A client that never answers is dropped once the close handshake times out.
		assertThat(slow.awaitEof(TIMEOUT)).isTrue();

		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.context.isActive()).isFalse();
	}

	private <T extends AutoCloseable> T track(T client) {
		this.clients.add(client);
		return client;
	}

}
