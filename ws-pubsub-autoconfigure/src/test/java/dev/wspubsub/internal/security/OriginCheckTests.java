package dev.wspubsub.internal.security;

import java.net.URI;
import java.util.Map;

import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.allowed-origins=https://app.example.com",
				"ws-pubsub.security.topic-rules[0].pattern=user:{sub}",
				"ws-pubsub.security.topic-rules[1].pattern=announcements",
				"ws-pubsub.security.topic-rules[1].publish=false" })
@Import(TopicAuthorizationTests.StaffOnly.class)
class OriginCheckTests {

	@LocalServerPort
	int port;

	private int status(String path, Map<String, String> headers) {
		return RawWebSocket.upgradeStatus(URI.create("ws://localhost:" + this.port + path), headers);
	}

	@Test
	void aForeignOriginGets403() {
		assertThat(status("/open", Map.of("Origin", "https://evil.example"))).isEqualTo(403);
	}

	@Test
	void aForeignOriginGets403EvenWithAValidToken() {
		assertThat(status("/secure",
				Map.of("Origin", "https://evil.example", "Authorization", "Bearer " + Tokens.valid("alice"))))
			.isEqualTo(403);
	}

	@Test
	void theSameOriginIsAllowed() {
		assertThat(status("/open", Map.of("Origin", "http://localhost:" + this.port))).isEqualTo(101);
	}

	@Test
	void theSameHostOnAnotherPortIsForeign() {
		assertThat(status("/open", Map.of("Origin", "http://localhost:" + (this.port + 1)))).isEqualTo(403);
	}

	@Test
	void aConfiguredOriginIsAllowed() {
		assertThat(status("/open", Map.of("Origin", "https://app.example.com"))).isEqualTo(101);
	}

	@Test
	void theNullOriginOfSandboxedPagesIsForeign() {
		assertThat(status("/open", Map.of("Origin", "null"))).isEqualTo(403);
	}

	@Test
	void aClientWithoutOriginIsNotABrowserAndIsAllowed() {
		assertThat(status("/open", Map.of())).isEqualTo(101);
	}

}
