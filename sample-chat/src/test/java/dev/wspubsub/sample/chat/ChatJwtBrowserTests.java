package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.time.Instant;

import com.microsoft.playwright.Page;
import dev.wspubsub.WsSession;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page in the JWT mode: every browser test again, the page now logging in with a
 * token from {@code POST /api/token}. Tokens live 8 seconds, so pages must refresh theirs
 * over the socket during the tests: one that did not would be closed at expiry and
 * reconnect, which the tests count.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "chat.heartbeat.interval=2s",
		"chat.heartbeat.timeout=5s", "chat.auth.jwt-secret=" + ChatJwtTests.SECRET, "chat.auth.token-ttl=8s" })
class ChatJwtBrowserTests extends ChatBrowserTests {

	@Test
	void thePageConnectsWithItsTokenAndRefreshesItBeforeItExpires() {
		Page gus = login("Gus");
		WsSession<?> session = this.server.sessions()
			.stream()
			.filter((ws) -> ws.principal() != null && "Gus".equals(ws.principal().getName()))
			.findFirst()
			.orElseThrow();
		Instant expiry = ((JwtAuthenticationToken) session.principal()).getToken().getExpiresAt();
		assertThat(expiry).isNotNull();

		// Past the expiry of the token the page connected with, its connection is still
		// the first one.
		await("the page's first token expires").atMost(Duration.ofSeconds(30))
			.until(() -> Instant.now().isAfter(expiry.plusSeconds(2)));
		assertThat(this.server.session(session.id())).isPresent();
		assertThat(this.sockets.get(gus)).hasValue(1);

		Page hal = login("Hal");
		join(gus, "general");
		join(hal, "general");
		say(gus, "my token was refreshed");
		expectMessage(hal, "Gus", "my token was refreshed");
		assertThat(this.sockets.get(gus)).hasValue(1);
	}

}
