package dev.wspubsub.sample.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.test.WsUpgradeRejectedException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The chat's JWT mode: {@code /ws} takes a token, and the name is the token's. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "chat.heartbeat.interval=1h", "chat.auth.jwt-secret=" + ChatJwtTests.SECRET })
class ChatJwtTests {

	static final String SECRET = "a secret of the chat's tests, 32 bytes or more";

	private static final Duration QUIET = Duration.ofMillis(500);

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	JwtEncoder encoder;

	@Autowired
	WsServer server;

	@Test
	void upgradeWithoutATokenIsRefusedWith401EvenWithAUsername() {
		for (String query : List.of("", "?username=jwt-mallory")) {
			assertRefused(WsTestClient.builder(uri(query)), "Unauthorized: Missing bearer token");
		}
	}

	@Test
	void aTokenInTheSubprotocolsOpensTheChatUnderItsSubjectAndBearerIsSelected() {
		String token = token("jwt-ann", Instant.now().plusSeconds(300));
		try (WsTestClient ann = WsTestClient.builder(uri("?username=jwt-mallory"))
			.subprotocols("bearer", token)
			.connect()) {
			assertThat(ann.subprotocol()).isEqualTo("bearer");
			JsonNode welcome = ann.awaitType("welcome");
			assertThat(welcome.path("username").asString()).isEqualTo("jwt-ann");
			assertThat(ann.awaitType("presence_list")
				.path("users")
				.valueStream()
				.map((user) -> user.path("username").asString())).contains("jwt-ann").doesNotContain("jwt-mallory");
		}
	}

	@Test
	void thePageLearnsItsModeFromTheConfigurationAndTheClientIsServedWithoutAToken() throws Exception {
		HttpResponse<String> config = http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/config"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(config.statusCode()).isEqualTo(200);
		assertThat(JsonMapper.shared().readTree(config.body()).path("jwt").asBoolean()).isTrue();
		HttpResponse<String> client = http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/ws-pubsub/client.js"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(client.statusCode()).isEqualTo(200);
	}

	@Test
	void theHttpApiTakesATokenAsTheWebSocketDoes() throws Exception {
		String token = token("jwt-reader", Instant.now().plusSeconds(300));
		for (String path : List.of("/api/presence", "/api/rooms/general/history")) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.timeout(Duration.ofSeconds(10));
			assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(path)
				.isEqualTo(401);
			assertThat(http
				.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
				.statusCode()).as(path + " with a token").isEqualTo(200);
		}
	}

	@Test
	void anExpiredTokenIsRefusedWith401() {
		String expired = token("jwt-late", Instant.now().minus(Duration.ofHours(1)));
		assertRefused(WsTestClient.builder(uri("")).subprotocols("bearer", expired), "Unauthorized: Token expired");
	}

	@Test
	void aTokenSignedWithAnotherSecretIsRefusedWith401() {
		NimbusJwtEncoder forger = NimbusJwtEncoder
			.withSecretKey(new SecretKeySpec("not the chat's secret, but as long".getBytes(StandardCharsets.UTF_8),
					"HmacSHA256"))
			.algorithm(MacAlgorithm.HS256)
			.build();
		String forged = encode(forger, "jwt-forger", Instant.now().plusSeconds(300));
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> WsTestClient.builder(uri("")).subprotocols("bearer", forged).connect())
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(401));
	}

	@Test
	void theTokenEndpointMintsATokenThatOpensTheChat() throws Exception {
		HttpResponse<String> minted = postToken("{\"username\":\" jwt-bob \"}");
		assertThat(minted.statusCode()).isEqualTo(200);
		JsonNode body = JsonMapper.shared().readTree(minted.body());
		String token = body.path("token").asString();
		// exp is in whole seconds: expiresIn never promises more than the token has left.
		long left = Duration.between(Instant.now(), expiresAt(token)).toMillis();
		assertThat(body.path("expiresIn").asLong()).isBetween(Duration.ofMinutes(15).toSeconds() - 1, left / 1000);
		try (WsTestClient bob = WsTestClient.builder(uri("")).header("Authorization", "Bearer " + token).connect()) {
			assertThat(bob.awaitType("welcome").path("username").asString()).isEqualTo("jwt-bob");
		}
		assertThat(postToken("{\"username\":\" \"}").statusCode()).isEqualTo(400);
		assertThat(postToken("{}").statusCode()).isEqualTo(400);
	}

	@Test
	void aFreshTokenSentOverTheSocketExtendsTheConnection() {
		Instant soon = Instant.now().plusSeconds(120);
		try (WsTestClient cleo = connect("jwt-cleo", soon)) {
			Instant later = Instant.now().plusSeconds(600);
			JsonNode ok = cleo.sendJsonAndAwait(Map.of("type", "auth", "token", token("jwt-cleo", later)));
			assertThat(ok.path("type").asString()).isEqualTo("auth_ok");
			assertThat(ok.path("expiresAt").asLong()).isEqualTo(later.getEpochSecond());
			JsonNode refused = cleo.sendJsonAndAwait(Map.of("type", "auth", "token", token("jwt-someone-else", later)));
			assertThat(refused.path("error").asString()).isEqualTo("Token refresh failed: subject differs");
		}
	}

	@Test
	void aConnectionCanNeitherJoinNorSubscribeNorPublishToAnotherUsersInbox() {
		try (WsTestClient dan = connect("jwt-dan", Instant.now().plusSeconds(300));
				WsTestClient eve = connect("jwt-eve", Instant.now().plusSeconds(300))) {
			String danId = ((ChatUser) sessionOf("jwt-dan").data()).userId();
			String danInbox = "user:" + danId;
			assertThat(eve.sendJsonAndAwait(Map.of("type", "join_room", "room", danInbox)))
				.hasToString("{\"type\":\"error\",\"error\":\"room: must be 1 to 64 letters, digits, - or _\"}");

			// Even code acting for eve's connection is refused: only the server writes to
			// inboxes.
			WsSession<?> eveSession = sessionOf("jwt-eve");
			assertThat(eveSession.subscribe(danInbox)).isFalse();
			assertThat(eve.awaitType("error").path("error").asString()).isEqualTo("Forbidden: " + danInbox);
			assertThat(eveSession.publish(danInbox, "{\"type\":\"direct_message\",\"content\":\"spoofed\"}")).isZero();
			assertThat(eve.awaitType("error").path("error").asString()).isEqualTo("Forbidden: " + danInbox);
			assertThat(eveSession.isSubscribed(((ChatUser) eveSession.data()).inbox())).isTrue();

			eve.sendJson(Map.of("type", "direct_message", "targetUserId", danId, "content", "hi Dan"));
			JsonNode dm = dan.awaitType("direct_message");
			assertThat(dm.path("fromUsername").asString()).isEqualTo("jwt-eve");
			assertThat(dm.path("content").asString()).isEqualTo("hi Dan");
			dan.assertNoMessage(QUIET);
			eve.assertNoMessage(QUIET);
			ChatClients.assertAnswers(dan);
			ChatClients.assertAnswers(eve);
		}
	}

	/**
	 * Connects with a token for {@code username} and consumes the welcome and presence
	 * list.
	 */
	private WsTestClient connect(String username, Instant expiresAt) {
		WsTestClient client = WsTestClient.builder(uri(""))
			.subprotocols("bearer", token(username, expiresAt))
			.connect();
		client.awaitType("welcome");
		client.awaitType("presence_list");
		return client;
	}

	private WsSession<?> sessionOf(String username) {
		return this.server.sessions()
			.stream()
			.filter((ws) -> ws.data() instanceof ChatUser user && user.username().equals(username))
			.findFirst()
			.orElseThrow();
	}

	private String token(String username, Instant expiresAt) {
		return encode(this.encoder, username, expiresAt);
	}

	private static String encode(JwtEncoder encoder, String username, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(username)
			.issuedAt(expiresAt.minus(Duration.ofMinutes(15)))
			.expiresAt(expiresAt)
			.build();
		return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	/** The token's own exp, as the server reads it. */
	private static Instant expiresAt(String token) {
		SecretKeySpec key = new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
		Instant expiresAt = NimbusJwtDecoder.withSecretKey(key).build().decode(token).getExpiresAt();
		assertThat(expiresAt).isNotNull();
		return expiresAt;
	}

	private static void assertRefused(WsTestClient.Builder builder, String body) {
		assertThatExceptionOfType(WsUpgradeRejectedException.class).isThrownBy(builder::connect).satisfies((ex) -> {
			assertThat(ex.status()).isEqualTo(401);
			assertThat(ex.body()).isEqualTo(body);
		});
	}

	private HttpResponse<String> postToken(String json) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/token"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String query) {
		return URI.create("ws://localhost:" + this.port + "/ws" + query);
	}

}
