package dev.wspubsub.messaging;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's first message, sent the moment the connection opens (as browsers do in
 * {@code onopen}), is handled like any other: not lost to the hand-over from Reactor
 * Netty's handshake to the connection's own handlers, and no buffer leaked.
 */
class FirstMessageTests extends SemanticsTestSupport {

	@Test
	void aMessageSentAsTheConnectionOpensAfterAnAsynchronousUpgradeIsAnswered() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		List<String> lost = new ArrayList<>();
		// The window is short: enough connections that a lost first message would show.
		for (int i = 0; i < 200; i++) {
			String text = "first-" + i;
			CompletableFuture<String> reply = new CompletableFuture<>();
			WebSocket ws = http.newWebSocketBuilder().buildAsync(uri("/async-echo"), new WebSocket.Listener() {
				@Override
				public void onOpen(WebSocket webSocket) {
					webSocket.sendText(text, true);
					webSocket.request(1);
				}

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					reply.complete(data.toString());
					return null;
				}
			}).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			try {
				assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(text);
			}
			catch (TimeoutException | ExecutionException ex) {
				lost.add(text);
			}
			finally {
				ws.abort();
			}
		}
		assertThat(lost).isEmpty();
	}

	@Test
	void aFrameThatCameInThePacketOfTheUpgradeRequestIsAnswered() {
		try (RawWebSocket ws = RawWebSocket.connectSendingText(uri("/echo"), "hi")) {
			assertThat(ws.status()).isEqualTo(101);
			Frame reply = ws.readFrame(TIMEOUT);
			assertThat(reply.opcode()).isEqualTo(Frame.TEXT);
			assertThat(reply.text()).isEqualTo("hi");
		}
	}

	@Test
	void aHundredFramesThatCameInThePacketOfTheUpgradeRequestAreAllAnsweredInOrder() {
		// One chunk of bytes to the server, decoded after open: the 64-item limit on what
		// is held
		// before open counts reads, and this is one.
		List<String> texts = IntStream.rangeClosed(1, 100).mapToObj((i) -> "early-" + i).toList();
		try (RawWebSocket ws = RawWebSocket.connectSendingTexts(uri("/echo"), texts)) {
			assertThat(ws.status()).isEqualTo(101);
			List<String> replies = new ArrayList<>();
			for (int i = 0; i < texts.size(); i++) {
				replies.add(ws.readFrame(TIMEOUT).text());
			}
			assertThat(replies).containsExactlyElementsOf(texts);
			ws.sendText("after");
			assertThat(ws.readFrame(TIMEOUT).text()).isEqualTo("after");
		}
	}

}
