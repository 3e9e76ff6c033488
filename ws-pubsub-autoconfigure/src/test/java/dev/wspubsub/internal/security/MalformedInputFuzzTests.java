package dev.wspubsub.internal.security;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wspubsub.WsServer;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client sends 10,000 malformed, oversized and out-of-order frames and messages,
 * reconnecting whenever the server closes on it, while another client's echo traffic must
 * come back whole and in order. The server must stay up, its heap must not grow, and
 * Netty's paranoid leak detector must stay silent.
 */
@WithSpringSecurity
@SpringBootTest(classes = SecureApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "ws-pubsub.max-payload-length=64KB")
class MalformedInputFuzzTests {

	private static final int ATTACKS = 10_000;

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	private URI uri(String path) {
		return URI.create("ws://localhost:" + this.port + path);
	}

	@Test
	void tenThousandBadFramesNeitherStopTheServerNorDisturbAnotherClientNorGrowTheHeap() throws Exception {
		warmUp();
		long heapBefore = usedHeapAfterGc();
		AtomicBoolean attacking = new AtomicBoolean(true);
		CompletableFuture<Integer> bystander = CompletableFuture.supplyAsync(() -> bystander(attacking));
		int reconnects;
		try {
			reconnects = attack(new Random(42));
		}
		finally {
			attacking.set(false);
		}
		assertThat(bystander.get(120, TimeUnit.SECONDS)).as("echoes the bystander got back").isGreaterThan(0);
		assertThat(reconnects).as("closing attacks forced reconnects").isGreaterThan(100);
		try (WsTestClient client = WsTestClient.connect(uri("/open"))) {
			assertThat(client.sendAndAwait("still up")).isEqualTo("still up");
		}
		Awaitility.await().atMost(WAIT).until(() -> this.server.connections() == 0);
		long growth = usedHeapAfterGc() - heapBefore;
		assertThat(growth).as("heap growth in bytes").isLessThan(64L * 1024 * 1024);
	}

	/** Echo traffic that must come back whole and in order while the attack runs. */
	private int bystander(AtomicBoolean attacking) {
		int sent = 0;
		try (WsTestClient client = WsTestClient.connect(uri("/open"))) {
			while (attacking.get() && sent < 100_000) {
				String message = "bystander " + sent;
				assertThat(client.sendAndAwait(message)).isEqualTo(message);
				sent++;
			}
		}
		return sent;
	}

	private int attack(Random random) {
		int reconnects = 0;
		RawWebSocket ws = RawWebSocket.connect(uri("/typed"));
		try {
			for (int i = 0; i < ATTACKS; i++) {
				int kind = random.nextInt(20);
				if (kind < 14) {
					sendAnsweredGarbage(ws, random, kind);
					Frame reply = ws.readFrame(WAIT);
					assertThat(reply.opcode()).isEqualTo(Frame.TEXT);
					assertThat(reply.text()).contains("\"type\":\"error\"");
				}
				else {
					sendFatalGarbage(ws, random, kind);
					assertThat(ws.awaitEof(WAIT)).as("server closes after attack kind " + kind).isTrue();
					ws.close();
					ws = RawWebSocket.connect(uri("/typed"));
					reconnects++;
				}
			}
		}
		finally {
			ws.close();
		}
		return reconnects;
	}

	/** Bad input the endpoint answers with an error, keeping the connection. */
	private static void sendAnsweredGarbage(RawWebSocket ws, Random random, int kind) {
		switch (kind % 7) {
			case 0 -> ws.sendText("{not json" + random.nextInt());
			case 1 -> ws.sendText("{\"type\":\"unknown_" + random.nextInt(1000) + "\"}");
			case 2 -> ws.sendText("{\"type\":\"note\",\"text\":{\"nested\":[1,2,3]}}");
			case 3 -> ws.sendBinary(randomBytes(random, 1 + random.nextInt(512)));
			case 4 -> ws.sendText("[1,2,3]");
			case 5 -> {
				// A fragmented message of valid pieces that is not JSON.
				ws.sendFrame(false, 0, 0x1, "{\"ty".getBytes(StandardCharsets.UTF_8), true);
				ws.sendFrame(true, 0, 0x0, "pe\":".getBytes(StandardCharsets.UTF_8), true);
			}
			default -> ws.sendText("\"" + "x".repeat(random.nextInt(2000)) + "\"");
		}
	}

	/**
	 * Bad input that must close the connection: protocol violations and oversized
	 * messages.
	 */
	private static void sendFatalGarbage(RawWebSocket ws, Random random, int kind) {
		switch (kind) {
			case 14 -> ws.sendFrame(true, 0, 0x1, "unmasked".getBytes(StandardCharsets.UTF_8), false);
			case 15 -> ws.sendFrame(true, 4, 0x1, "reserved bits".getBytes(StandardCharsets.UTF_8), true);
			case 16 -> ws.sendFrame(true, 0, 0x0, "continuation first".getBytes(StandardCharsets.UTF_8), true);
			case 17 -> ws.sendFrame(true, 0, 0x1, new byte[] { (byte) 0xC3, (byte) 0x28 }, true);
			case 18 -> {
				// A new message inside a fragmented one.
				ws.sendFrame(false, 0, 0x1, "start".getBytes(StandardCharsets.UTF_8), true);
				ws.sendFrame(true, 0, 0x1, "again".getBytes(StandardCharsets.UTF_8), true);
			}
			default -> {
				if (random.nextBoolean()) {
					ws.sendFrame(true, 0, 0x9, new byte[126 + random.nextInt(100)], true);
				}
				else {
					ws.sendFrame(true, 0, 0x2, new byte[65 * 1024], true);
				}
			}
		}
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private void warmUp() {
		try (WsTestClient client = WsTestClient.connect(uri("/typed"))) {
			client.sendJson(Map.of("type", "note", "text", "hello"));
			client.awaitType("noted");
		}
		Awaitility.await().atMost(WAIT).until(() -> this.server.connections() == 0);
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

}
