package dev.wspubsub.internal.security;

import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@code SecurityWebFilterChain} without
 * {@link WsBearerTokenConverter}: Spring Security's default converter reads the
 * {@code Authorization} header only, so a token in the query or as a subprotocol is no
 * token at all.
 */
@WithSpringSecurity
@SpringBootTest(classes = OwnSecurityChainWithoutConverterTests.PlainChainApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnSecurityChainWithoutConverterTests extends OwnSecurityChainTestSupport {

	@Test
	void aTokenInTheQueryOrAsASubprotocolIsNotAccepted() {
		assertThat(RawWebSocket.upgradeStatus(uri("/mine?access_token=" + Tokens.valid("bob")), Map.of()))
			.isEqualTo(401);
		assertThat(RawWebSocket.upgradeStatus(uri("/mine"),
				Map.of("Sec-WebSocket-Protocol", "bearer, " + Tokens.valid("carol"))))
			.isEqualTo(401);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OwnSecurityChainTests.MineEndpoint.class)
	static class PlainChainApplication {

		@Bean
		ReactiveJwtDecoder testJwtDecoder() {
			return Tokens.decoder();
		}

		@Bean
		SecurityWebFilterChain ownChain(ServerHttpSecurity http) {
			return OwnSecurityChainTests.chain(http, false);
		}

	}

}
