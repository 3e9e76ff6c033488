package dev.wspubsub.internal.endpoint;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.WsServer;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Behind a handler that is still running, a connection's messages wait in a queue bounded
 * in bytes, not only in messages: past it the connection stops reading, so a client
 * cannot park megabytes per connection by sending large messages to a slow handler; and
 * nothing it sent is lost once the handler catches up.
 */
@SpringBootTest(classes = HandlerQueueApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HandlerQueueBoundTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final int MESSAGES = 40;

	private static final int MESSAGE = 256 * 1024;

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@Autowired
	HandlerQueueApplication.Gated endpoint;

	@Test
	void largeMessagesBehindASlowHandlerQueueWithinTheByteBoundAndAllAreHandled() throws Exception {
		try (RawWebSocket client = RawWebSocket.connect(URI.create("ws://localhost:" + this.port + "/gated"))) {
			String id = JsonMapper.shared().readTree(client.readFrame(TIMEOUT).text()).get("id").stringValue();
			WsConnection connection = (WsConnection) this.server.session(id).orElseThrow();
			// 10MB in all: the writes block once the server stops reading.
			CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < MESSAGES; i++) {
					client.sendBinary(new byte[MESSAGE]);
				}
			});
			long queued = steadyQueuedBytes(connection);
			// The bound, one message over it, and one more the last read had decoded.
			assertThat(queued).isPositive().isLessThanOrEqualTo(Sequencer.PAUSE_READING_AT_BYTES + 2L * MESSAGE);
			this.endpoint.gate.countDown();
			sending.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
			await().atMost(TIMEOUT).until(() -> this.endpoint.handled.get() == MESSAGES);
		}
	}

	/** The queue's payload once it has stopped growing: reading has paused. */
	private static long steadyQueuedBytes(WsConnection connection) {
		AtomicLong last = new AtomicLong(-1);
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
			long now = connection.channel().eventLoop().submit(() -> Sequencer.of(connection).waitingBytes()).get();
			return now > 0 && last.getAndSet(now) == now;
		});
		return last.get();
	}

}
