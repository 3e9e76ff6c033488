package dev.wspubsub.upgrade;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient.WebsocketSender;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK's and Reactor Netty's WebSocket clients talk to an endpoint as any browser
 * would.
 */
class ThirdPartyClientTests extends SemanticsTestSupport {

	@Test
	void theJdkClientGetsItsTextEchoed() throws Exception {
		CompletableFuture<String> reply = new CompletableFuture<>();
		WebSocket ws = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(uri("/echo"), new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					reply.complete(data.toString());
					return null;
				}
			})
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		try {
			ws.sendText("hello", true);
			assertThat(reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hello");
		}
		finally {
			ws.abort();
		}
	}

	@Test
	void theReactorNettyClientGetsItsBinaryEchoed() {
		WebsocketSender sender = reactor.netty.http.client.HttpClient.create().websocket().uri(uri("/echo"));
		byte[] reply = sender
			.handle((in, out) -> out.sendByteArray(Mono.just("bytes".getBytes(StandardCharsets.UTF_8)))
				.then()
				.thenMany(in.receive().asByteArray().next()))
			.blockLast(TIMEOUT);
		assertThat(reply).asString(StandardCharsets.UTF_8).isEqualTo("bytes");
	}

}
