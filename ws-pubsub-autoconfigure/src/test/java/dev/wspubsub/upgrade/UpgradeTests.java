package dev.wspubsub.upgrade;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import dev.wspubsub.testapp.Messages.Visitor;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The upgrade: {@code @OnUpgrade} data, rejection, the request it sees, and plain HTTP.
 */
class UpgradeTests extends SemanticsTestSupport {

	@Test
	void theValueOfOnUpgradeBecomesTheSessionData() {
		awaitNoConnections();
		try (WsTestClient client = connect("/upgrade?username=ann")) {
			assertThat(client.awaitType("welcome").get("text").stringValue()).isEqualTo("ann");
			Visitor visitor = (Visitor) this.server.sessions()
				.stream()
				.filter((session) -> session.path().equals("/upgrade"))
				.findFirst()
				.orElseThrow()
				.data();
			assertThat(visitor.name()).isEqualTo("ann");
		}
	}

	@Test
	void onUpgradeSeesQueryParametersHeadersCookiesAndPath() {
		WsTestClient client = WsTestClient.builder(uri("/upgrade?username=bob&tag=red&tag=blue"))
			.header("X-Client", "semantics-suite")
			.header("Cookie", "theme=dark; session=abc123")
			.defaultTimeout(TIMEOUT)
			.connect();
		try (client) {
			client.awaitType("welcome");
			JsonNode visitor = client.sendJsonAndAwait(Map.of("type", "whoami")).get("value");
			assertThat(visitor.get("name").stringValue()).isEqualTo("bob");
			assertThat(visitor.get("path").stringValue()).isEqualTo("/upgrade");
			assertThat(visitor.get("tags").values()).extracting(JsonNode::stringValue).containsExactly("red", "blue");
			assertThat(visitor.get("agent").stringValue()).isEqualTo("semantics-suite");
			assertThat(visitor.get("cookie").stringValue()).isEqualTo("abc123");
		}
	}

	@Test
	void theUpgradeRequestStaysReadableInEveryCallbackAfterTheConnectionOpened() {
		WsTestClient client = WsTestClient.builder(uri("/upgrade?username=cy&tag=green"))
			.header("X-Client", "later")
			.header("Cookie", "session=xyz789")
			.header("Accept", "text/plain")
			.header("Accept", "application/json")
			.defaultTimeout(TIMEOUT)
			.connect();
		try (client) {
			client.awaitType("welcome");
			JsonNode request = client.sendJsonAndAwait(Map.of("type", "request")).get("value");
			assertThat(request.get("path").stringValue()).isEqualTo("/upgrade");
			assertThat(request.get("tags").values()).extracting(JsonNode::stringValue).containsExactly("green");
			assertThat(request.get("agent").stringValue()).isEqualTo("later");
			assertThat(request.get("cookie").stringValue()).isEqualTo("xyz789");
			assertThat(request.get("accept").values()).extracting(JsonNode::stringValue)
				.containsExactly("text/plain", "application/json");
			assertThat(request.get("subprotocols").values()).isEmpty();
		}
	}

	@Test
	void anUpgradeRejectedExceptionAnswersItsStatusAndReasonInsteadOf101() {
		int before = this.server.connections();
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> RawWebSocket.connect(uri("/upgrade")))
			.satisfies((rejected) -> {
				assertThat(rejected.status()).isEqualTo(400);
				assertThat(rejected.body()).isEqualTo("Username required");
				assertThat(rejected.headers()).doesNotContainKey("Sec-WebSocket-Accept");
			});
		assertThatExceptionOfType(WsUpgradeRejectedException.class).isThrownBy(() -> connect("/upgrade"))
			.satisfies((rejected) -> assertThat(rejected.status()).isEqualTo(400));
		assertThat(this.server.connections()).isLessThanOrEqualTo(before);
		assertThat(this.server.pendingWebSockets()).isZero();
	}

	@Test
	void aPlainHttpRequestToAnEndpointAnswers426WithAnExplanation() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api")).timeout(TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(426);
		assertThat(response.headers().firstValue("Upgrade")).hasValue("websocket");
		assertThat(response.body()).contains("/api", "WebSocket");

		HttpResponse<String> elsewhere = http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/not-an-endpoint"))
				.timeout(TIMEOUT)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(elsewhere.statusCode()).isEqualTo(404);
	}

}
