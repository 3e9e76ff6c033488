package dev.wspubsub.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = EchoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SmokeTests {

	@LocalServerPort
	int port;

	@Test
	void echoesText() throws Exception {
		CompletableFuture<String> reply = new CompletableFuture<>();
		WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
			.buildAsync(URI.create("ws://localhost:" + this.port + "/echo"), new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					reply.complete(data.toString());
					return null;
				}
			}).get(10, TimeUnit.SECONDS);
		ws.sendText("hello", true);
		assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
	}
}
