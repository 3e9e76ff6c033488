package dev.wspubsub.observability;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.annotation.OnUpgrade;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** A real application, real clients, a real context close. */
class GracefulShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/** The close reason of a drain with the default reconnect window. */
	private static final String RESTART = "Service Restart; reconnect within 5000 ms";

	/** What a timer or a stop may overrun its bound by on a loaded machine. */
	private static final long SLACK_MILLIS = 1500;

	private final List<AutoCloseable> clients = new ArrayList<>();

	private ConfigurableApplicationContext context;

	/**
	 * A thread per blocking task: the common pool has one worker on two cores (JDK 25
	 * uses it there), so a blocked connect would hold the context's close back behind it.
	 */
	private final ExecutorService tasks = Executors.newCachedThreadPool();

	@AfterEach
	void cleanUp() throws Exception {
		this.tasks.shutdownNow();
		for (AutoCloseable client : this.clients) {
			client.close();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void closingTheContextSendsServiceRestartToEveryClientAndRefusesNewUpgrades() throws Exception {
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
		// Never answers a close frame: the server keeps waiting for it, so shutdown is
		// still under way.
		RawWebSocket slow = track(RawWebSocket.connect(rooms));
		assertThat(slow.status()).isEqualTo(101);
		SseTestClient sse = track(
				SseTestClient.connect(URI.create("http://localhost:" + port + "/sse/lobby"), TIMEOUT));
		sse.awaitLine(":subscribed", TIMEOUT);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close, this.tasks);

		for (WsTestClient client : sockets) {
			assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new CloseStatus(1012, RESTART));
		}
		Frame close = slow.awaitClose(TIMEOUT);
		assertThat(close.closeCode()).isEqualTo(1012);
		assertThat(close.closeReason()).isEqualTo(RESTART);
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> track(WsTestClient.builder(rooms).defaultTimeout(TIMEOUT).connect()))
			.satisfies((rejected) -> assertThat(rejected.status()).isEqualTo(503));
		sse.awaitEnd(TIMEOUT);
		// A client that never answers is dropped once the close handshake times out.
		assertThat(slow.awaitEof(TIMEOUT)).isTrue();

		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.context.isActive()).isFalse();
	}

	@Test
	void aClientThatNeverAnswersTheCloseIsDroppedThreeSecondsAfterItAndShutdownWaitsForThatOnly() throws Exception {
		ShutdownClock clock = new ShutdownClock();
		RawWebSocket silent = track(RawWebSocket.connect(start(clock)));
		long closeStarted = System.nanoTime();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close, this.tasks);

		Frame close = silent.awaitClose(TIMEOUT);
		long closeReceived = System.nanoTime();
		assertThat(close.closeCode()).isEqualTo(1012);
		assertThat(silent.awaitEof(TIMEOUT)).isTrue();
		// The server's 3 s starts as it sends its close frame, a moment before the client
		// reads it.
		assertThat(since(closeReceived)).isBetween(Duration.ofSeconds(2), Duration.ofMillis(3000 + SLACK_MILLIS));
		// ws-pubsub's phase waited for that closing handshake, and no longer; it began as
		// the
		// close frame went out, after whatever the context stops first.
		assertThat(clock.stoppedAfter(closeStarted)).isGreaterThan(Duration.ofMillis(2900));
		assertThat(clock.stoppedAfter(closeReceived)).isBetween(Duration.ofMillis(2500),
				Duration.ofMillis(3000 + SLACK_MILLIS));
		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	@Test
	void shutdownWaitsForClosingHandshakesNoLongerThanTheShutdownPhaseTimeout() throws Exception {
		ShutdownClock clock = new ShutdownClock();
		RawWebSocket silent = track(
				RawWebSocket.connect(start(clock, "spring.lifecycle.timeout-per-shutdown-phase=1s")));
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "still open after")) {
			long closeStarted = System.nanoTime();
			CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close, this.tasks);

			assertThat(silent.awaitClose(TIMEOUT).closeCode()).isEqualTo(1012);
			long closeReceived = System.nanoTime();
			// Sooner than the 3 s the silent client would otherwise be given, counted
			// from
			// the close
			// frame that began the phase.
			assertThat(clock.stoppedAfter(closeReceived)).isBetween(Duration.ofMillis(500),
					Duration.ofMillis(1000 + SLACK_MILLIS));
			assertThat(silent.awaitEof(TIMEOUT)).isTrue();
			closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(log.lines()).containsExactly("1 WebSocket connection(s) still open after PT1S");
		}
	}

	@Test
	void anUpgradeUnderWayWhenShutdownBeginsIsClosedWithServiceRestartAsItOpensAndWaitedFor() throws Exception {
		ShutdownClock clock = new ShutdownClock();
		URI gated = start(clock, List.of(GatedEndpoint.class)).resolve("/gated");
		WsServer server = this.context.getBean(WsServer.class);
		SessionRegistry sessions = this.context.getBean(SessionRegistry.class);
		CompletableFuture<String> gate = this.context.getBean(GatedEndpoint.class).gate;
		CompletableFuture<RawWebSocket> upgrading = CompletableFuture.supplyAsync(() -> RawWebSocket.connect(gated),
				this.tasks);
		await().atMost(TIMEOUT).until(() -> server.pendingWebSockets() == 1);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close, this.tasks);
		await().atMost(TIMEOUT).until(() -> !sessions.isAccepting());
		long released = System.nanoTime();
		gate.complete("late");
		RawWebSocket late = track(upgrading.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		assertThat(late.status()).isEqualTo(101);
		Frame close = late.awaitClose(TIMEOUT);
		assertThat(close.closeCode()).isEqualTo(1012);
		assertThat(close.closeReason()).isEqualTo(RESTART);
		// ws-pubsub's phase did not end before the late connection's closing handshake
		// could.
		assertThat(clock.stoppedAfter(released)).isGreaterThan(Duration.ofSeconds(2));
		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	private URI start(ShutdownClock clock, String... properties) {
		return start(clock, List.of(), properties);
	}

	/**
	 * Starts {@link RoomsApplication} and {@code endpoints} with {@code clock} as a bean;
	 * answers {@code /rooms}.
	 */
	private URI start(ShutdownClock clock, List<Class<?>> endpoints, String... properties) {
		this.context = new SpringApplicationBuilder(RoomsApplication.class).sources(endpoints.toArray(Class<?>[]::new))
			.initializers((context) -> context.getBeanFactory().registerSingleton("shutdownClock", clock))
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		int port = this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return URI.create("ws://localhost:" + port + "/rooms");
	}

	private static Duration since(long nanoTime) {
		return Duration.ofNanos(System.nanoTime() - nanoTime);
	}

	private <T extends AutoCloseable> T track(T client) {
		this.clients.add(client);
		return client;
	}

	/** An endpoint whose upgrades wait for {@link #gate}. */
	@WsEndpoint("/gated")
	static class GatedEndpoint {

		final CompletableFuture<String> gate = new CompletableFuture<>();

		@OnUpgrade
		Mono<String> upgrade() {
			return Mono.fromFuture(this.gate);
		}

	}

	/**
	 * Notes when it is stopped: in the phase right after ws-pubsub's graceful shutdown,
	 * so at the moment that phase has ended.
	 */
	static final class ShutdownClock implements SmartLifecycle {

		private final CompletableFuture<Long> stoppedAt = new CompletableFuture<>();

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.stoppedAt.complete(System.nanoTime());
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return SmartLifecycle.DEFAULT_PHASE - 1;
		}

		/** How long after {@code nanoTime} it was stopped; waits for the stop. */
		Duration stoppedAfter(long nanoTime) throws Exception {
			return Duration.ofNanos(this.stoppedAt.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) - nanoTime);
		}

	}

}
