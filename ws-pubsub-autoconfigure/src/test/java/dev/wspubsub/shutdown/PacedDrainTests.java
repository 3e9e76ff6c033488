package dev.wspubsub.shutdown;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shutdown drains: readiness goes down first, then real clients are closed with 1012 in
 * batches spread over the drain duration, never all at once.
 */
class PacedDrainTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final int CLIENTS = 40;

	private final List<WsTestClient> clients = new ArrayList<>();

	/**
	 * One thread per client waiting for its close, so each close is timed as it comes.
	 */
	private final ExecutorService waiters = Executors.newCachedThreadPool();

	private ConfigurableApplicationContext context;

	private DrainApplication.ReadinessClock readiness;

	@AfterEach
	void cleanUp() {
		this.waiters.shutdownNow();
		this.clients.forEach(WsTestClient::close);
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void closingTheContextClosesClientsWithServiceRestartInBatchesSpreadOverTheDrainAfterReadinessWentDown()
			throws Exception {
		URI echo = start("ws-pubsub.shutdown.drain-duration=2s", "ws-pubsub.shutdown.drain-min-batch=5",
				"ws-pubsub.shutdown.reconnect-window=7s");
		List<CompletableFuture<Closed>> closes = connect(echo);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close, this.waiters);

		List<Closed> closed = await(closes);
		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(closed).extracting(Closed::status)
			.containsOnly(new CloseStatus(1012, "Service Restart; reconnect within 7000 ms"));
		List<Long> times = closed.stream().map(Closed::at).sorted().toList();
		long first = times.get(0);
		long last = times.get(times.size() - 1);
		// 40 clients, 5 a batch: 8 batches 250 ms apart, the last 1750 ms after the
		// first.
		assertThat(Duration.ofNanos(last - first)).isBetween(Duration.ofMillis(1400), Duration.ofMillis(3500));
		assertThat(mostWithin(times, Duration.ofMillis(150))).as("closes within 150 ms of each other").isBetween(5, 10);
		assertThat(this.readiness.refusingSince).isNotEmpty();
		assertThat(this.readiness.refusingSince.get(0)).isLessThan(first);
	}

	@Test
	void aLifecycleStopSaysTheNodeRefusesTrafficItselfAndTheDrainFitsTheShutdownPhaseTimeout() throws Exception {
		URI echo = start("ws-pubsub.shutdown.drain-duration=1m", "ws-pubsub.shutdown.drain-min-batch=1",
				"spring.lifecycle.timeout-per-shutdown-phase=4s");
		List<CompletableFuture<Closed>> closes = connect(echo);
		long stopStarted = System.nanoTime();

		// A stop, not a close: the web context does not say it refuses traffic then.
		CompletableFuture<Void> stopping = CompletableFuture.runAsync(this.context::stop, this.waiters);

		List<Closed> closed = await(closes);
		stopping.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(closed).extracting((close) -> close.status().code()).containsOnly(1012);
		long last = closed.stream().mapToLong(Closed::at).max().orElseThrow();
		// 4 s less the 3 s left for closing handshakes: a drain of 1 s, not a minute.
		assertThat(Duration.ofNanos(last - stopStarted)).isBetween(Duration.ofMillis(700), Duration.ofMillis(2500));
		assertThat(this.context.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		assertThat(this.readiness.refusingSince).hasSize(1);
	}

	private URI start(String... properties) {
		this.context = new SpringApplicationBuilder(DrainApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.readiness = this.context.getBean(DrainApplication.ReadinessClock.class);
		int port = this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return URI.create("ws://localhost:" + port + "/echo");
	}

	private List<CompletableFuture<Closed>> connect(URI uri) {
		List<CompletableFuture<Closed>> closes = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			WsTestClient client = WsTestClient.builder(uri).defaultTimeout(TIMEOUT).connect();
			this.clients.add(client);
			assertThat(client.sendAndAwait("hello " + i)).isEqualTo("hello " + i);
			closes.add(CompletableFuture.supplyAsync(() -> {
				CloseStatus status = client.awaitClose(TIMEOUT);
				return new Closed(status, System.nanoTime());
			}, this.waiters));
		}
		return closes;
	}

	private static List<Closed> await(List<CompletableFuture<Closed>> closes) throws Exception {
		List<Closed> closed = new ArrayList<>();
		for (CompletableFuture<Closed> close : closes) {
			closed.add(close.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		return Collections.unmodifiableList(closed);
	}

	/** The largest number of sorted {@code times} that fall within one {@code window}. */
	private static int mostWithin(List<Long> times, Duration window) {
		int most = 0;
		for (int from = 0, to = 0; to < times.size(); to++) {
			while (times.get(to) - times.get(from) > window.toNanos()) {
				from++;
			}
			most = Math.max(most, to - from + 1);
		}
		return most;
	}

	private record Closed(CloseStatus status, long at) {
	}

}
