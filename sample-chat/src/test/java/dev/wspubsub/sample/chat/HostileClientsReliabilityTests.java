package dev.wspubsub.sample.chat;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.Frame;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability, hostile clients (issue 24): while two bystanders chat on a node of the
 * sample joined to Redis, attackers try the doors the issue found, each in a loop for the
 * whole phase:
 * <ol>
 * <li>event streams of the node's own probe channel ({@code $probe:<node-id>}), opened
 * and closed;</li>
 * <li>a client that pings and never reads;</li>
 * <li>event streams from a foreign origin, and more streams than the per-address
 * cap;</li>
 * <li>event streams of 2,000-character topic names, and history reads of rooms no one has
 * written in;</li>
 * <li>(7) half-sent fragmented messages kept alive by pings.</li>
 * </ol>
 * Passes only if Bob hears every one of Ann's messages in order, the node's fan-out stays
 * up throughout (sampled every 50 ms) and its health says healthy, every attack ends as
 * its guard says (403, 429, 400, 1008, pongs dropped), the pinging client's buffer stays
 * within the hard cap (4 × {@code backpressure-limit} and one pong), no history read
 * leaves a key in Redis, and the heap after GC grows by less than 32 MB.
 *
 * <p>
 * {@code reliability.hostile} is how long the phase lasts: 5 s here, 60 s in
 * {@code reliability/run-hostile-clients.sh}.
 */
class HostileClientsReliabilityTests {

	private static final Duration PHASE = Duration.parse(System.getProperty("reliability.hostile", "PT5S"));

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The sample's {@code backpressure-limit} (application.yml): the hard cap is 4×. */
	private static final long HARD_CAP = 4 * (1L << 20);

	private static final long PONG = 2 + 125 + 96;

	private static final int CAP_PER_ADDRESS = 12;

	private static final HttpClient http = HttpClient.newHttpClient();

	/**
	 * The WebSocket attackers' address, apart from the bystanders' and the streams'
	 * (Linux routes all of 127.0.0.0/8 to loopback).
	 */
	private static final InetAddress ATTACKER = address("127.0.0.2");

	private final Map<String, LongAdder> tally = new ConcurrentHashMap<>();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	@Test
	void bystandersChatOnAndTheNodeStaysUpWhileHostileClientsTryEachDoor() throws Exception {
		try (TestRedis redis = TestRedis.start()) {
			ConfigurableApplicationContext node = ChatNodes.start(redis, "--ws-pubsub.sse.enabled=true",
					"--ws-pubsub.max-connections-per-ip=" + CAP_PER_ADDRESS, "--ws-pubsub.idle-timeout=2s",
					"--ws-pubsub.fanout.redis.probe-interval=200ms");
			ExecutorService threads = Executors.newFixedThreadPool(8);
			try (ExpectedLog notReading = ExpectedLog.capture(Level.WARN, "does not read")) {
				run(node, redis, threads);
				assertThat(notReading.lines()).as("the pinger, named once").hasSize(1);
			}
			finally {
				threads.shutdownNow();
				threads.awaitTermination(10, TimeUnit.SECONDS);
				node.close();
			}
		}
	}

	private void run(ConfigurableApplicationContext node, TestRedis redis, ExecutorService threads) throws Exception {
		int port = ChatNodes.port(node);
		WsServer server = node.getBean(WsServer.class);
		RedisFanout fanout = node.getBean(RedisFanout.class);
		try (WsTestClient ann = ChatClients.connect(port, "Ann"); WsTestClient bob = ChatClients.connect(port, "Bob")) {
			ChatClients.join(ann, "calm");
			ChatClients.join(bob, "calm");
			ChatNodes.awaitListening(redis, "room:calm", 1);
			chat(ann, bob, 0, Duration.ofSeconds(1), threads); // warm-up
			long keysBefore = redis.commands().dbsize();
			long heapBefore = usedHeapAfterGc();
			long deadline = System.nanoTime() + PHASE.toNanos();
			AtomicLong fanoutDownSamples = new AtomicLong();
			AtomicLong largestBuffer = new AtomicLong();
			List<Future<?>> attacks = new ArrayList<>();
			attacks.add(threads.submit(() -> probeChannelStreams(port, server.nodeId(), deadline)));
			attacks.add(threads.submit(() -> pingAndNeverRead(port, deadline)));
			attacks.add(threads.submit(() -> foreignOriginsAndTooManyStreams(port, deadline)));
			attacks.add(threads.submit(() -> longTopicsAndHistoryReadsOfNewRooms(port, deadline)));
			attacks.add(threads.submit(() -> unfinishedFragments(port, deadline)));
			attacks.add(threads.submit(() -> {
				while (System.nanoTime() < deadline + TIMEOUT.toNanos() / 2) {
					if (!fanout.isUp()) {
						fanoutDownSamples.incrementAndGet();
					}
					for (WsSession<?> session : server.sessions()) {
						largestBuffer.accumulateAndGet(session.bufferedAmount(), Math::max);
					}
					LockSupport.parkNanos(50_000_000L);
				}
			}));
			int heard = chat(ann, bob, 1, PHASE, threads);
			for (Future<?> attack : attacks) {
				attack.get(PHASE.getSeconds() + 60, TimeUnit.SECONDS);
			}
			await().atMost(TIMEOUT).until(() -> server.connections() == 2);
			long heapAfter = usedHeapAfterGc();
			System.out.printf(
					"Hostile clients: %s; Bob heard %d of Ann's messages; fan-out down in %d samples; largest"
							+ " buffered amount %d KB; heap after GC %d MB before, %d MB after; attacks %s%n",
					PHASE, heard, fanoutDownSamples.get(), largestBuffer.get() >> 10, heapBefore >> 20, heapAfter >> 20,
					this.tally);
			assertThat(this.failures).as("attacks that did not end as their guard says").isEmpty();
			for (String kind : List.of("probe-streams", "pings", "foreign-origin-403", "over-cap-429", "long-topic-400",
					"history-reads", "fragments-1008")) {
				assertThat(this.tally.get(kind)).as(kind)
					.isNotNull()
					.satisfies((n) -> assertThat(n.sum()).isPositive());
			}
			assertThat(fanoutDownSamples.get()).as("samples with the fan-out down").isZero();
			assertThat(health(port)).isEqualTo("healthy");
			assertThat(largestBuffer.get()).as("largest buffered amount").isLessThanOrEqualTo(HARD_CAP + PONG);
			assertThat(redis.commands().dbsize()).as("Redis keys after the history reads").isEqualTo(keysBefore);
			assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(32L << 20);
		}
	}

	/**
	 * Ann says one thing every 5 ms for {@code phase}; Bob must hear all of it in order.
	 */
	private int chat(WsTestClient ann, WsTestClient bob, int round, Duration phase, ExecutorService threads)
			throws Exception {
		int messages = (int) (phase.toMillis() / 5);
		Future<Integer> heard = threads.submit(() -> {
			for (int n = 0; n < messages; n++) {
				JsonNode chat = bob.awaitJson(Duration.ofSeconds(30));
				while (!"chat".equals(chat.path("type").asString())) {
					chat = bob.awaitJson(Duration.ofSeconds(30));
				}
				assertThat(chat.path("text").asString()).as("Bob hears Ann in order").isEqualTo(round + ":" + n);
			}
			return messages;
		});
		long start = System.nanoTime();
		for (int n = 0; n < messages; n++) {
			LockSupport.parkNanos(start + n * 5_000_000L - System.nanoTime());
			ann.sendJson(Map.of("type", "chat", "room", "calm", "text", round + ":" + n));
		}
		return heard.get(60, TimeUnit.SECONDS);
	}

	// 1: a topic named after the node's probe channel, streamed and left.
	private void probeChannelStreams(int port, String nodeId, long deadline) {
		while (System.nanoTime() < deadline) {
			for (String topic : List.of("$probe:" + nodeId, "n:probe:" + nodeId, "probe:" + nodeId)) {
				try (SseTestClient stream = SseTestClient.connect(sse(port, topic), TIMEOUT)) {
					int status = stream.response().statusCode();
					if (status == 200) {
						stream.awaitLine(":subscribed", TIMEOUT);
						count("probe-streams");
					}
					else if (status != 429) { // 429: the stream flood holds the address'
												// cap
						this.failures.add("probe stream: " + status);
					}
				}
			}
		}
	}

	// 2: pings, never a read (from an address of its own, out of the stream flood's cap).
	private void pingAndNeverRead(int port, long deadline) {
		byte[] pings = pings(1000, 125);
		try (RawWebSocket pinger = RawWebSocket.connectFrom(ATTACKER, ChatClients.uri(port, "Pinger"))) {
			while (System.nanoTime() < deadline) {
				pinger.sendRawBytes(pings);
				count("pings", 1000);
			}
		}
		catch (RuntimeException ex) {
			this.failures.add("pinger: " + ex);
		}
	}

	// 3: a foreign origin, and more streams than the per-address cap.
	private void foreignOriginsAndTooManyStreams(int port, long deadline) {
		while (System.nanoTime() < deadline) {
			try (SseTestClient foreign = SseTestClient.connect(sse(port, "room:calm"), TIMEOUT,
					Map.of("Origin", "http://evil.example"))) {
				expect("foreign-origin-403", 403, foreign.response().statusCode());
			}
			LockSupport.parkNanos(20_000_000L);
			List<SseTestClient> open = new ArrayList<>();
			try {
				for (int i = 0; i < CAP_PER_ADDRESS + 2; i++) {
					SseTestClient stream = SseTestClient.connect(sse(port, "room:calm"), TIMEOUT);
					open.add(stream);
					if (stream.response().statusCode() == 429) {
						count("over-cap-429");
						break;
					}
					expect("under-cap-200", 200, stream.response().statusCode());
				}
				if (open.size() > CAP_PER_ADDRESS) {
					this.failures.add("more streams than the cap were opened: " + open.size());
				}
			}
			finally {
				open.forEach(SseTestClient::close);
			}
		}
	}

	// 4: 2,000-character topic names, and history reads of rooms no one has written in.
	private void longTopicsAndHistoryReadsOfNewRooms(int port, long deadline) {
		int room = 0;
		while (System.nanoTime() < deadline) {
			try (SseTestClient tooLong = SseTestClient.connect(sse(port, "t".repeat(2000)), TIMEOUT)) {
				if (tooLong.response().statusCode() != 429) {
					expect("long-topic-400", 400, tooLong.response().statusCode());
				}
			}
			try {
				HttpResponse<String> history = http.send(HttpRequest
					.newBuilder(URI.create("http://localhost:" + port + "/api/rooms/fresh" + room++ + "/history"))
					.timeout(TIMEOUT)
					.build(), HttpResponse.BodyHandlers.ofString());
				expect("history-reads", 200, history.statusCode());
			}
			catch (Exception ex) {
				this.failures.add("history read: " + ex);
			}
		}
	}

	// 7: a first fragment, then only pings: closed with 1008 within the idle timeout.
	private void unfinishedFragments(int port, long deadline) {
		while (System.nanoTime() < deadline) {
			try (RawWebSocket client = RawWebSocket.connectFrom(ATTACKER, ChatClients.uri(port, "Fragment"))) {
				client.sendFrame(false, 0, Frame.TEXT,
						"{\"type\":\"chat\",\"room\":\"calm\",\"text\":\"never".getBytes(StandardCharsets.UTF_8), true);
				// Pings past the idle timeout (2 s), which keep the connection from being
				// idle.
				long pingUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
				try {
					while (System.nanoTime() < pingUntil) {
						client.sendFrame(true, 0, Frame.PING, new byte[0], true);
						LockSupport.parkNanos(200_000_000L);
					}
				}
				catch (RuntimeException closed) {
					// the server closed it meanwhile: its close frame is read below
				}
				expect("fragments-1008", 1008, client.awaitClose(TIMEOUT).closeCode());
			}
			catch (RuntimeException ex) {
				this.failures.add("fragment: " + ex);
			}
		}
	}

	private void expect(String kind, int expected, int actual) {
		if (actual == expected) {
			count(kind);
		}
		else {
			this.failures.add(kind + ": " + actual);
		}
	}

	private void count(String kind) {
		count(kind, 1);
	}

	private void count(String kind, long n) {
		this.tally.computeIfAbsent(kind, (key) -> new LongAdder()).add(n);
	}

	private static URI sse(int port, String topic) {
		return URI.create("http://localhost:" + port + "/sse/" + topic);
	}

	private static String health(int port) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).timeout(TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
		return JsonMapper.shared().readTree(response.body()).path("status").asString();
	}

	/** Masked pings with a zero key, back to back. */
	private static byte[] pings(int count, int payloadLength) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(count * (payloadLength + 6));
		for (int i = 0; i < count; i++) {
			out.write(0x89);
			out.write(0x80 | payloadLength);
			out.writeBytes(new byte[4]);
			out.writeBytes(new byte[payloadLength]);
		}
		return out.toByteArray();
	}

	private static InetAddress address(String address) {
		try {
			return InetAddress.getByName(address);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long usedHeapAfterGc() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
