package dev.wspubsub.internal.security;

import java.security.Principal;
import java.util.Map;

import dev.wspubsub.WsBearerTokenConverter;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@code SecurityWebFilterChain} with {@link WsBearerTokenConverter}
 * as its bearer token converter, as the README describes: a token is accepted in the
 * {@code Authorization} header, the {@code access_token} query parameter and the
 * {@code Sec-WebSocket-Protocol} header. {@link OwnSecurityChainWithoutConverterTests}
 * shows what the converter adds.
 */
@WithSpringSecurity
@SpringBootTest(classes = OwnSecurityChainTests.OwnChainApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnSecurityChainTests extends OwnSecurityChainTestSupport {

	@Test
	void aTokenInTheAccessTokenQueryParameterIsAccepted() {
		assertThat(welcome(WsTestClient.builder(uri("/mine?access_token=" + Tokens.valid("bob"))))).isEqualTo("bob");
	}

	@Test
	void aTokenAfterTheBearerSubprotocolIsAcceptedAndBearerIsSelected() {
		try (WsTestClient client = WsTestClient.builder(uri("/mine"))
			.subprotocols("bearer", Tokens.valid("carol"))
			.connect()) {
			assertThat(client.awaitType("welcome").get("principal").stringValue()).isEqualTo("carol");
			assertThat(client.subprotocol()).isEqualTo("bearer");
		}
	}

	@Test
	void noTokenOrAForgedOneGets401() {
		assertThat(RawWebSocket.upgradeStatus(uri("/mine"), Map.of())).isEqualTo(401);
		assertThat(RawWebSocket.upgradeStatus(uri("/mine"),
				Map.of("Sec-WebSocket-Protocol", "bearer, " + Tokens.badSignature("mallory"))))
			.isEqualTo(401);
		assertThat(RawWebSocket.upgradeStatus(uri("/mine?access_token=" + Tokens.expired("mallory")), Map.of()))
			.isEqualTo(401);
	}

	/** The application's own chain: every upgrade of {@code /mine} needs a token. */
	static SecurityWebFilterChain chain(ServerHttpSecurity http, boolean wsConverter) {
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/mine").authenticated().anyExchange().permitAll())
			.oauth2ResourceServer((resourceServer) -> {
				if (wsConverter) {
					resourceServer.bearerTokenConverter(new WsBearerTokenConverter());
				}
				resourceServer.jwt(Customizer.withDefaults());
			})
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(MineEndpoint.class)
	static class OwnChainApplication {

		@Bean
		ReactiveJwtDecoder testJwtDecoder() {
			return Tokens.decoder();
		}

		@Bean
		SecurityWebFilterChain ownChain(ServerHttpSecurity http) {
			return chain(http, true);
		}

	}

	/** Greets the connection with its principal's name. */
	@WsEndpoint(path = "/mine", subprotocols = "chat")
	static class MineEndpoint {

		@OnOpen
		void open(WsSession<?> ws, Principal principal) {
			ws.send(Map.of("type", "welcome", "principal", principal.getName()));
		}

	}

}
