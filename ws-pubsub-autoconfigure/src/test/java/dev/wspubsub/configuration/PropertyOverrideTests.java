package dev.wspubsub.configuration;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ws-pubsub.*} connection properties, each overridden on a dedicated
 * {@code @WsEndpoint} (most through a {@code ${placeholder}}): payload limit, idle
 * timeout, pings and permessage-deflate. Backpressure and publish-to-self have their own
 * tests.
 */
class PropertyOverrideTests extends SemanticsTestSupport {

	/** The test's {@code test.short-idle}. */
	private static final Duration IDLE = Duration.ofSeconds(1);

	/** Idle checks run every 100ms; the rest is room for a loaded machine. */
	private static final Duration IDLE_SLACK = Duration.ofSeconds(2);

	@Test
	void aMessageOverTheEndpointsMaxPayloadLengthClosesWith1009() {
		try (Connected c = open("/small-payload")) {
			String atLimit = "x".repeat(1024);
			assertThat(c.client().sendAndAwait(atLimit)).isEqualTo(atLimit);
			c.client().send("x".repeat(1025));
			assertThat(c.client().awaitClose().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
			assertThat(this.events.awaitClose(c.id()).code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
		}
	}

	@Test
	void theOverrideAppliesOnlyToItsEndpoint() {
		try (WsTestClient client = connect("/echo")) {
			String large = "y".repeat(64 * 1024);
			assertThat(client.sendAndAwait(large)).isEqualTo(large);
		}
	}

	@Test
	void aSilentClientThatDoesNotAnswerPingsIsClosedAtTheIdleTimeout() {
		long start = System.nanoTime();
		try (RawConnected c = openRaw("/short-idle")) {
			long opened = System.nanoTime();
			List<Integer> opcodes = new ArrayList<>();
			Frame frame = c.raw().readFrame(TIMEOUT);
			while (frame.opcode() != Frame.CLOSE && opcodes.size() < 10) {
				opcodes.add(frame.opcode());
				frame = c.raw().readFrame(TIMEOUT);
			}
			long closed = System.nanoTime();
			assertThat(frame.closeCode()).isEqualTo(CloseCodes.NORMAL);
			assertThat(frame.closeReason()).isEqualTo("Idle timeout");
			assertThat(opcodes).as("the server pinged before giving up").contains(Frame.PING);
			assertIdleClose(start, opened, closed);
			assertThat(this.events.awaitClose(c.id()).code()).isEqualTo(CloseCodes.NORMAL);
		}
	}

	@Test
	void aLiveClientThatAnswersPingsStaysOpenPastSeveralIdleTimeouts() {
		try (Connected c = open("/short-idle")) {
			await().during(IDLE.multipliedBy(3).plusMillis(500))
				.atMost(TIMEOUT)
				.until(() -> c.client().isOpen() && !this.events.hasClosed(c.id()));
			// The endpoint's @OnPong says "pong:" for every pong the client sent back to
			// the server's pings.
			List<String> pongs = c.client().drain();
			assertThat(pongs).hasSizeGreaterThanOrEqualTo(3).containsOnly("pong:");
			c.client().send("still here");
			String reply = c.client().awaitMessage();
			for (int i = 0; i < 10 && reply.equals("pong:"); i++) {
				reply = c.client().awaitMessage();
			}
			assertThat(reply).isEqualTo("still here");
		}
	}

	@Test
	void withoutPingsASilentClientIsClosedAtTheIdleTimeoutEvenIfItWouldAnswer() {
		long start = System.nanoTime();
		try (Connected c = open("/short-idle-no-pings")) {
			long opened = System.nanoTime();
			CloseStatus status = c.client().awaitClose();
			long closed = System.nanoTime();
			assertThat(status).isEqualTo(new CloseStatus(CloseCodes.NORMAL, "Idle timeout"));
			assertIdleClose(start, opened, closed);
		}
	}

	@Test
	void anEndpointWithDeflateNegotiatesItWithAClientThatOffersIt() {
		Map<String, String> offer = Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
		try (RawWebSocket raw = RawWebSocket.connect(uri("/deflate"), offer)) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		}
		try (RawWebSocket raw = RawWebSocket.connect(uri("/api"), offer)) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.header("Sec-WebSocket-Extensions")).isNull();
		}
	}

	@Test
	void aCompressedSendIsDeflatedOnTheWireAndAPlainOneIsNot() throws DataFormatException {
		Map<String, String> offer = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");
		try (RawWebSocket raw = RawWebSocket.connect(uri("/deflate"), offer)) {
			raw.readFrame(TIMEOUT); // hello
			String text = "compress me ".repeat(20);
			raw.sendText(text);
			Frame compressed = raw.readFrame(TIMEOUT);
			assertThat(compressed.rsv()).as("RSV1 marks a compressed message").isEqualTo(4);
			assertThat(compressed.payload().length).isLessThan(text.length());
			assertThat(inflate(compressed.payload())).isEqualTo(text);

			raw.sendText("plain: as is");
			Frame plain = raw.readFrame(TIMEOUT);
			assertThat(plain.rsv()).isZero();
			assertThat(plain.text()).isEqualTo("plain: as is");
		}
	}

	@Test
	void aCompressedRoundTripWorksWithReactorNettysDeflateClient() {
		String text = "round trip ".repeat(50);
		String reply = HttpClient.create()
			.websocket(WebsocketClientSpec.builder().compress(true).build())
			.uri(uri("/deflate"))
			.handle((in, out) -> {
				assertThat(in.headers().get("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
				return out.sendString(Mono.just(text))
					.then()
					.thenMany(in.receive().asString().filter((message) -> !message.contains("hello")).next());
			})
			.blockLast(TIMEOUT);
		assertThat(reply).isEqualTo(text);
	}

	/**
	 * Inflates a permessage-deflate payload (RFC 7692 §7.2.2: append the removed tail).
	 */
	private static String inflate(byte[] payload) throws DataFormatException {
		Inflater inflater = new Inflater(true);
		try {
			byte[] input = new byte[payload.length + 4];
			System.arraycopy(payload, 0, input, 0, payload.length);
			input[payload.length + 2] = (byte) 0xFF;
			input[payload.length + 3] = (byte) 0xFF;
			inflater.setInput(input);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[1024];
			int n;
			while ((n = inflater.inflate(buffer)) > 0) {
				out.write(buffer, 0, n);
			}
			return out.toString(StandardCharsets.UTF_8);
		}
		finally {
			inflater.end();
		}
	}

	/**
	 * The idle clock starts when the connection opens, somewhere between
	 * {@code beforeConnect} and {@code opened} (the hello's arrival): the close came no
	 * earlier than the timeout after the first, and no later than the timeout plus slack
	 * after the second.
	 */
	static void assertIdleClose(long beforeConnect, long opened, long closed) {
		assertThat(Duration.ofNanos(closed - beforeConnect)).isGreaterThanOrEqualTo(IDLE);
		assertThat(Duration.ofNanos(closed - opened)).isLessThan(IDLE.plus(IDLE_SLACK));
	}

}
