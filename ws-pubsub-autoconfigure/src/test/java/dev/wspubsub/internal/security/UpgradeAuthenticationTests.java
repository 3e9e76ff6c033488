package dev.wspubsub.internal.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpgradeAuthenticationTests {

	@LocalServerPort
	int port;

	private URI uri(String pathAndQuery) {
		return URI.create("ws://localhost:" + this.port + pathAndQuery);
	}

	@Test
	void aTokenInTheAuthorizationHeaderOpensTheConnection() {
		try (WsTestClient client = WsTestClient.builder(uri("/secure"))
			.header("Authorization", "Bearer " + Tokens.valid("alice"))
			.connect()) {
			JsonNode welcome = client.awaitType("welcome");
			assertThat(welcome.get("subject").stringValue()).isEqualTo("alice");
			assertThat(welcome.get("principal").stringValue()).isEqualTo("alice");
		}
	}

	@Test
	void aTokenInTheAccessTokenQueryParameterOpensTheConnection() {
		try (WsTestClient client = WsTestClient.connect(uri("/secure?access_token=" + Tokens.valid("alice")))) {
			assertThat(client.awaitType("welcome").get("subject").stringValue()).isEqualTo("alice");
		}
	}

	@Test
	void aTokenAfterTheBearerSubprotocolOpensTheConnectionAndBearerIsSelected() {
		try (WsTestClient client = WsTestClient.builder(uri("/secure"))
			.subprotocols("bearer", Tokens.valid("alice"))
			.connect()) {
			assertThat(client.awaitType("welcome").get("subject").stringValue()).isEqualTo("alice");
			assertThat(client.subprotocol()).isEqualTo("bearer");
		}
	}

	@Test
	void aTokenDotSubprotocolOpensTheConnectionAndIsSelectedWhole() {
		String token = Tokens.valid("alice");
		try (WsTestClient client = WsTestClient.builder(uri("/secure")).subprotocols("token." + token).connect()) {
			assertThat(client.awaitType("welcome").get("subject").stringValue()).isEqualTo("alice");
			assertThat(client.subprotocol()).isEqualTo("token." + token);
		}
	}

	@Test
	void theEndpointsOwnSubprotocolWinsOverTheBearerMarkerWhenOffered() {
		try (WsTestClient client = WsTestClient.builder(uri("/secure"))
			.subprotocols("bearer", Tokens.valid("alice"), "chat")
			.connect()) {
			client.awaitType("welcome");
			assertThat(client.subprotocol()).isEqualTo("chat");
		}
	}

	@Test
	void thePrincipalReachesHandlersAsJwtAuthenticationAndPrincipal() {
		try (WsTestClient client = WsTestClient.connect(uri("/secure?access_token=" + Tokens.valid("bob")))) {
			client.awaitType("welcome");
			client.sendJson(Map.of("type", "whoami"));
			JsonNode you = client.awaitType("you");
			assertThat(you.get("jwt").stringValue()).isEqualTo("bob");
			assertThat(you.get("authentication").stringValue()).isEqualTo("bob");
			assertThat(you.get("principal").stringValue()).isEqualTo("bob");
			assertThat(you.get("room").stringValue()).as("claim read in @OnUpgrade").isEqualTo("blue");
		}
	}

	@Test
	void anUpgradeWithoutATokenGets401AndNoWebSocket() {
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> RawWebSocket.connect(uri("/secure")))
			.satisfies((rejected) -> {
				assertThat(rejected.status()).isEqualTo(401);
				assertThat(rejected.body()).isEqualTo("Unauthorized: Missing bearer token");
			});
	}

	static Object[][] badTokens() {
		return new Object[][] { { "expired", Tokens.expired("alice"), "Token expired" },
				{ "bad signature", Tokens.badSignature("alice"), "Failed to validate" },
				{ "wrong issuer", Tokens.wrongIssuer("alice"), "iss" },
				{ "wrong audience", Tokens.wrongAudience("alice"), "aud" },
				{ "alg none", Tokens.unsigned("alice"), "none" },
				{ "garbage", "not-a-jwt", "Invalid JWT serialization" } };
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badTokens")
	void aBadTokenGets401WithAShortReasonAndNoWebSocket(String kind, String token, String reason) {
		for (Map<String, String> headers : java.util.List.of(Map.of("Authorization", "Bearer " + token),
				Map.of("Sec-WebSocket-Protocol", "bearer, " + token))) {
			try (RawWebSocket ws = RawWebSocket.connect(uri("/secure"), headers)) {
				assertThat(ws.status()).as(kind + " via " + headers.keySet()).isEqualTo(401);
				assertThat(ws.header("Sec-WebSocket-Accept")).isNull();
				assertThat(ws.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"")
					.contains(reason)
					.doesNotContain(token);
			}
		}
	}

	@Test
	void aBadTokenIsRefusedEvenOnAnEndpointThatDoesNotRequireOne() {
		try (RawWebSocket ws = RawWebSocket.connect(uri("/open"),
				Map.of("Authorization", "Bearer " + Tokens.badSignature("alice")))) {
			assertThat(ws.status()).isEqualTo(401);
		}
	}

	@Test
	void anOpenEndpointNeedsNoToken() {
		try (WsTestClient client = WsTestClient.connect(uri("/open"))) {
			assertThat(client.sendAndAwait("hi")).isEqualTo("hi");
		}
	}

	@Test
	void otherPathsKeepSpringBootsDefaultOfRequiringAuthentication() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/anything"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(401);
	}

	@Test
	void aConnectionIsServedUntilShortlyBeforeItsTokensExpAndClosedAtExpNotBefore() {
		// exp is in whole seconds: a token that expires on a second boundary is exact.
		Instant exp = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
		try (WsTestClient client = WsTestClient
			.connect(uri("/secure?access_token=" + Tokens.validUntil("alice", exp)))) {
			client.awaitType("welcome");
			Instant shortlyBefore = exp.minusMillis(800);
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !Instant.now().isBefore(shortlyBefore));
			client.sendJson(Map.of("type", "whoami"));
			assertThat(client.awaitType("you").get("jwt").stringValue()).isEqualTo("alice");

			CloseStatus status = client.awaitClose(Duration.ofSeconds(10));
			Instant closedAt = Instant.now();
			assertThat(status).isEqualTo(new CloseStatus(1008, "token expired"));
			// The server's timer fires at exp; a loaded machine may deliver the close a
			// little later.
			assertThat(closedAt).isAfterOrEqualTo(exp).isBefore(exp.plusMillis(1500));
		}
	}

	@Test
	void aRefreshedTokenKeepsTheConnectionOpenPastTheFirstExpiry() {
		try (WsTestClient client = WsTestClient
			.connect(uri("/secure?access_token=" + Tokens.valid("alice", Duration.ofSeconds(2))))) {
			client.awaitType("welcome");
			client.sendJson(Map.of("type", "auth", "token", Tokens.valid("alice", Duration.ofMinutes(5))));
			JsonNode ok = client.awaitType("auth_ok");
			assertThat(ok.get("expiresAt").asLong()).isGreaterThan(java.time.Instant.now().getEpochSecond() + 60);
			client.assertNoMessage(Duration.ofSeconds(4));
			assertThat(client.isOpen()).isTrue();
			client.sendJson(Map.of("type", "whoami"));
			assertThat(client.awaitType("you").get("jwt").stringValue()).isEqualTo("alice");
		}
	}

	@Test
	void aRefreshWithAnotherSubjectOrABadTokenIsRefusedAndTheOldExpiryHolds() {
		try (WsTestClient client = WsTestClient
			.connect(uri("/secure?access_token=" + Tokens.valid("alice", Duration.ofSeconds(3))))) {
			client.awaitType("welcome");
			client.sendJson(Map.of("type", "auth", "token", Tokens.valid("mallory", Duration.ofMinutes(5))));
			assertThat(client.awaitType("error").get("error").stringValue()).contains("subject");
			client.sendJson(Map.of("type", "auth", "token", Tokens.badSignature("alice")));
			assertThat(client.awaitType("error").get("error").stringValue()).startsWith("Token refresh failed");
			assertThat(client.awaitClose(Duration.ofSeconds(15)).code()).isEqualTo(1008);
		}
	}

}
