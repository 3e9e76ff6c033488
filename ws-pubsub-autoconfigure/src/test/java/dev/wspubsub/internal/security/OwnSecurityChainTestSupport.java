package dev.wspubsub.internal.security;

import java.net.URI;

import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What holds for an application's own {@code SecurityWebFilterChain} with or without
 * {@link WsBearerTokenConverter}: a token in the {@code Authorization} header is
 * accepted.
 */
abstract class OwnSecurityChainTestSupport {

	@LocalServerPort
	int port;

	@Test
	void aTokenInTheAuthorizationHeaderIsAccepted() {
		assertThat(
				welcome(WsTestClient.builder(uri("/mine")).header("Authorization", "Bearer " + Tokens.valid("alice"))))
			.isEqualTo("alice");
	}

	URI uri(String pathAndQuery) {
		return URI.create("ws://localhost:" + this.port + pathAndQuery);
	}

	/** The principal the endpoint greets the connection with. */
	static String welcome(WsTestClient.Builder builder) {
		try (WsTestClient client = builder.connect()) {
			return client.awaitType("welcome").get("principal").stringValue();
		}
	}

}
