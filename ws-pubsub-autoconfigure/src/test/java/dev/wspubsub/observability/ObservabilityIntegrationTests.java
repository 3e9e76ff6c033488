package dev.wspubsub.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = RoomsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=wspubsub,health,metrics",
				"management.endpoint.wspubsub.access=unrestricted", "management.endpoint.health.show-details=always",
				"management.endpoint.health.show-components=always" })
class ObservabilityIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	WsServer server;

	private WebTestClient http;

	@BeforeEach
	void httpClient() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(TIMEOUT)
			.build();
	}

	@AfterEach
	void allClosed() {
		await().atMost(TIMEOUT).until(() -> this.server.connections() == 0);
	}

	@Test
	void metersCountTheConnectionsMessagesAndPublishesOfAConversation() {
		double opened = counter("wspubsub.connections.opened");
		double closedNormally = counter("wspubsub.connections.closed", "outcome", "normal");
		double received = counter("wspubsub.messages.received", "type", "text");
		double bytesReceived = counter("wspubsub.bytes.received", "type", "text");
		double sent = counter("wspubsub.messages.sent");
		double publishes = globalCounter("wspubsub.publishes");
		DistributionSummary fanout = this.meters.get("wspubsub.fanout.size").summary();
		double fanoutTotal = fanout.totalAmount();
		long joins = handlerTimer("join").map(Timer::count).orElse(0L);

		String joinLobby = "{\"type\":\"join\",\"room\":\"lobby\"}";
		String sayHello = "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hello\"}";
		try (WsTestClient ann = connect(); WsTestClient bob = connect()) {
			ann.send(joinLobby);
			ann.awaitType("joined");
			bob.send(joinLobby);
			bob.awaitType("joined");
			assertThat(this.meters.get("wspubsub.connections").tag("endpoint", "/rooms").gauge().value()).isEqualTo(2);

			ann.send(sayHello);
			assertThat(bob.awaitType("said").get("text").stringValue()).isEqualTo("hello");

			assertThat(counter("wspubsub.connections.opened") - opened).isEqualTo(2);
			assertThat(counter("wspubsub.messages.received", "type", "text") - received).isEqualTo(3);
			assertThat(counter("wspubsub.bytes.received", "type", "text") - bytesReceived)
				.isEqualTo(2 * utf8(joinLobby) + utf8(sayHello));
			assertThat(counter("wspubsub.messages.sent") - sent).isEqualTo(2);
			// Counted once the publish has been handed out, which bob may see first.
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(globalCounter("wspubsub.publishes") - publishes).isEqualTo(1));
			// Published by ann, handed to bob only: the sender is excluded.
			assertThat(fanout.totalAmount() - fanoutTotal).isEqualTo(1);
			assertThat(handlerTimer("join").map(Timer::count).orElse(0L) - joins).isEqualTo(2);
		}
		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(counter("wspubsub.connections.closed", "outcome", "normal") - closedNormally)
						.isEqualTo(2));
		assertThat(this.meters.get("wspubsub.connections").tag("endpoint", "/rooms").gauge().value()).isZero();
	}

	@Test
	void aFailingHandlerIsObservedAsAnError() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "RoomsEndpoint.boom()");
				WsTestClient client = connect()) {
			client.send("{\"type\":\"boom\"}");
			assertThat(client.awaitType("error").get("error").stringValue()).isEqualTo("Internal server error");
			Timer failed = this.meters.find("wspubsub.handler")
				.tags("endpoint", "/rooms", "message.type", "boom", "error", "IllegalStateException")
				.timer();
			assertThat(failed).isNotNull();
			assertThat(failed.count()).isPositive();
			assertThat(log.lines()).hasSize(1);
		}
	}

	@Test
	void refusedUpgradesAreCountedByReason() throws Exception {
		double before = counter("wspubsub.upgrades.rejected", "reason", "not-websocket");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/rooms"))
				.timeout(TIMEOUT)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(HttpStatus.UPGRADE_REQUIRED.value());
		assertThat(counter("wspubsub.upgrades.rejected", "reason", "not-websocket") - before).isEqualTo(1);
	}

	@Test
	void theActuatorEndpointDescribesConnectionsTopicsFanoutAndSettings() {
		try (WsTestClient ann = connect(); WsTestClient bob = connect()) {
			join(ann, "lobby");
			join(bob, "lobby");
			join(bob, "kitchen");
			this.http.get()
				.uri("/actuator/wspubsub")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.nodeId")
				.isEqualTo(this.server.nodeId())
				.jsonPath("$.connections")
				.isEqualTo(2)
				.jsonPath("$.endpoints['/rooms'].connections")
				.isEqualTo(2)
				.jsonPath("$.endpoints['/rooms'].pendingUpgrades")
				.isEqualTo(0)
				.jsonPath("$.endpoints['/rooms'].settings.maxPayloadLength")
				.isEqualTo(16 * 1024 * 1024)
				.jsonPath("$.endpoints['/rooms'].settings.idleTimeout")
				.isEqualTo("PT2M")
				.jsonPath("$.endpoints['/rooms'].settings.publishToSelf")
				.isEqualTo(false)
				.jsonPath("$.topics.count")
				.isEqualTo(2)
				.jsonPath("$.topics.top[0].topic")
				.isEqualTo("lobby")
				.jsonPath("$.topics.top[0].localSubscribers")
				.isEqualTo(2)
				.jsonPath("$.topics.top[1].topic")
				.isEqualTo("kitchen")
				.jsonPath("$.topics.top[1].localSubscribers")
				.isEqualTo(1)
				.jsonPath("$.fanout.mode")
				.isEqualTo("local")
				.jsonPath("$.fanout.status")
				.isEqualTo("UP");
			this.http.get()
				.uri("/actuator/wspubsub/topics/lobby")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.topic")
				.isEqualTo("lobby")
				.jsonPath("$.localSubscribers")
				.isEqualTo(2);
		}
	}

	@Test
	void theActuatorEndpointPublishesToATopic() {
		try (WsTestClient ann = connect(); WsTestClient bob = connect()) {
			join(ann, "lobby");
			join(bob, "lobby");
			this.http.post()
				.uri("/actuator/wspubsub/topics/lobby")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("message", "maintenance at noon"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.topic")
				.isEqualTo("lobby")
				.jsonPath("$.bytes")
				.isEqualTo(utf8("maintenance at noon"))
				.jsonPath("$.localSubscribers")
				.isEqualTo(2);
			assertThat(ann.awaitMessage()).isEqualTo("maintenance at noon");
			assertThat(bob.awaitMessage()).isEqualTo("maintenance at noon");
		}
	}

	@Test
	void theActuatorEndpointShowsAndClosesASession() {
		try (WsTestClient client = connect()) {
			String id = join(client, "lobby");
			this.http.get()
				.uri("/actuator/wspubsub/sessions/" + id)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.id")
				.isEqualTo(id)
				.jsonPath("$.path")
				.isEqualTo("/rooms")
				.jsonPath("$.subscriptions[0]")
				.isEqualTo("lobby");
			this.http.delete()
				.uri("/actuator/wspubsub/sessions/" + id + "?code=4000&reason=Moved along")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.id")
				.isEqualTo(id)
				.jsonPath("$.code")
				.isEqualTo(4000);
			assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new CloseStatus(4000, "Moved along"));
			await().atMost(TIMEOUT).until(() -> this.server.session(id).isEmpty());
			this.http.get()
				.uri("/actuator/wspubsub/sessions/" + id)
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectBody()
				.returnResult();
		}
		this.http.get()
			.uri("/actuator/wspubsub/nowhere/x")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.returnResult(); // reads the body, so the client's buffer is released
	}

	@Test
	void theHealthContributorIsUpWithTheConnectionCount() {
		try (WsTestClient client = connect()) {
			join(client, "lobby");
			this.http.get()
				.uri("/actuator/health/wsPubSub")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP")
				.jsonPath("$.details.connections")
				.isEqualTo(1)
				.jsonPath("$.details.fanout")
				.isEqualTo("local");
		}
	}

	@Test
	void noMeterIsTaggedByTopicOrUser() {
		try (WsTestClient client = connect()) {
			join(client, "secret-room-42");
			client.send("{\"type\":\"say\",\"room\":\"secret-room-42\",\"text\":\"hi\"}");
			await().atMost(TIMEOUT)
				.until(() -> this.meters.find("wspubsub.publishes").counter() != null
						&& this.meters.find("wspubsub.publishes").counter().count() > 0);
		}
		assertThat(this.meters.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("wspubsub."))
			.isNotEmpty()
			.allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.allSatisfy((tag) -> assertThat(tag.getValue()).doesNotContain("secret-room-42")));
	}

	private String join(WsTestClient client, String room) {
		client.sendJson(Map.of("type", "join", "room", room));
		return client.awaitType("joined").get("id").stringValue();
	}

	private WsTestClient connect() {
		return WsTestClient.builder(URI.create("ws://localhost:" + this.port + "/rooms"))
			.defaultTimeout(TIMEOUT)
			.connect();
	}

	private double counter(String name, String... tags) {
		Counter counter = this.meters.find(name).tag("endpoint", "/rooms").tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double globalCounter(String name) {
		Counter counter = this.meters.find(name).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private Optional<Timer> handlerTimer(String type) {
		return java.util.Optional.ofNullable(this.meters.find("wspubsub.handler")
			.tags("endpoint", "/rooms", "message.type", type, "error", "none")
			.timer());
	}

	private static int utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

}
