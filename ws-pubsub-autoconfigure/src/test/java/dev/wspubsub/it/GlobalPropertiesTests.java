package dev.wspubsub.it;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each {@code ws-pubsub.*} connection property set globally takes effect on an endpoint
 * that does not override it, and an endpoint's override (a {@code ${placeholder}} with a
 * default) wins over it.
 */
@SpringBootTest(classes = GlobalPropertiesApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.max-payload-length=1KB", "ws-pubsub.idle-timeout=1s", "ws-pubsub.send-pings=false",
				"ws-pubsub.backpressure-limit=64KB", "ws-pubsub.close-on-backpressure-limit=true",
				"ws-pubsub.publish-to-self=true", "ws-pubsub.per-message-deflate.enabled=true" })
class GlobalPropertiesTests extends WsTestSupport {

	private static final byte[] CHUNK = new byte[16 * 1024];

	private static final int MAX_SENDS = 20_000;

	@Test
	void maxPayloadLength() {
		String overGlobalLimit = "x".repeat(2048);
		try (Connected c = open("/inherits")) {
			c.client().send(overGlobalLimit);
			assertThat(c.client().awaitClose().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
		}
		try (Connected c = open("/overrides")) {
			assertThat(c.client().sendAndAwait(overGlobalLimit)).isEqualTo(overGlobalLimit);
		}
	}

	@Test
	void idleTimeoutAndSendPings() {
		long start = System.nanoTime();
		try (Connected c = open("/inherits")) {
			// The JDK client would answer pings, but none come: it is closed for being silent.
			assertThat(c.client().awaitClose()).isEqualTo(new CloseStatus(CloseCodes.NORMAL, "Idle timeout"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
				.isLessThan(Duration.ofSeconds(3));
		}
		try (Connected c = open("/overrides")) {
			await().during(Duration.ofMillis(1500)).atMost(TIMEOUT).until(() -> c.client().isOpen());
			assertThat(c.client().sendAndAwait("still open")).isEqualTo("still open");
		}
	}

	@Test
	void backpressureLimitAndCloseOnBackpressureLimit() {
		try (RawConnected c = openRaw("/inherits")) {
			assertThat(sendUntilNotWritten(c.session())).isEqualTo(WsSession.DROPPED);
			assertThat(c.raw().awaitClose(TIMEOUT).closeCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
		}
		try (RawConnected c = openRaw("/overrides")) {
			int sends = 0;
			int status;
			do {
				status = c.session().sendBinary(CHUNK);
				sends++;
			}
			while (status > 0 && sends < MAX_SENDS);
			assertThat(status).isEqualTo(WsSession.BACKPRESSURE);
			// Nothing answers -1 before the buffer could hold the overridden 1MB (frames: 4-byte header each).
			assertThat((long) sends * (CHUNK.length + 4)).isGreaterThan(1024 * 1024);
			assertThat(c.session().readyState()).isEqualTo(WsSession.OPEN);
		}
	}

	@Test
	void publishToSelf() {
		String topic = "t-" + UUID.randomUUID();
		try (Connected c = open("/inherits")) {
			assertThat(c.client().sendAndAwait("sub:" + topic)).isEqualTo("subscribed:true");
			c.client().send("pub:" + topic + ":to myself");
			assertThat(c.client().awaitMessages(2, TIMEOUT)).containsExactlyInAnyOrder("to myself", "published:9");
		}
		try (Connected c = open("/overrides")) {
			assertThat(c.client().sendAndAwait("sub:" + topic)).isEqualTo("subscribed:true");
			assertThat(c.client().sendAndAwait("pub:" + topic + ":not to me")).isEqualTo("published:0");
			this.server.publish(topic, "marker");
			assertThat(c.client().awaitMessage()).isEqualTo("marker");
		}
	}

	@Test
	void perMessageDeflate() {
		Map<String, String> offer = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");
		try (RawWebSocket raw = RawWebSocket.connect(uri("/inherits"), offer)) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		}
		try (RawWebSocket raw = RawWebSocket.connect(uri("/overrides"), offer)) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.header("Sec-WebSocket-Extensions")).isNull();
			Frame hello = raw.readFrame(TIMEOUT);
			assertThat(hello.rsv()).isZero();
		}
	}

	private static int sendUntilNotWritten(WsSession<?> session) {
		int sends = 0;
		int status;
		do {
			status = session.sendBinary(CHUNK);
			sends++;
		}
		while (status > 0 && sends < MAX_SENDS);
		return status;
	}
}
