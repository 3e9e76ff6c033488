package dev.wspubsub.gaps;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wspubsub.WsServer;
import dev.wspubsub.internal.cluster.TopicGapRepair;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node of two is drained while its clients read a topic with history: they are closed
 * with 1012 in batches, each comes back to the other node at a random moment within the
 * window the close reason names (what the browser client does) and resumes from its last
 * position, and none loses a publication. The short form's readers are threads of this
 * JVM; the full form's ({@code EXTERNAL=1 reliability/run-rolling-restart.sh}) are a
 * process of their own, so that the thousands of sockets here are the servers'.
 */
class RollingRestartTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	/**
	 * Readers on the drained node; more in the full form
	 * (reliability/run-rolling-restart.sh).
	 */
	private static final int CLIENTS = Integer.getInteger("reliability.roll.clients", 100);

	private static final String DRAIN = System.getProperty("reliability.roll.drain", "2s");

	private static final String WINDOW_PROPERTY = System.getProperty("reliability.roll.window", "2s");

	/**
	 * How long node B's history reads may take before a resume is answered "not
	 * recovered".
	 */
	private static final String READ_TIMEOUT = System.getProperty("reliability.roll.read-timeout", "1s");

	private static final Pattern WINDOW = Pattern.compile("reconnect within (\\d+) ms");

	@Test
	void theDrainedNodesReadersComeBackToTheOtherSpreadOverTheWindowAndLoseNothing() throws Exception {
		ExecutorService readers = Executors.newCachedThreadPool();
		ScheduledExecutorService publishing = Executors.newSingleThreadScheduledExecutor();
		try (TestRedis redis = TestRedis.start();
				GapNode nodeB = GapNode.start(redis, "ws-pubsub.fanout.redis.command-timeout=" + READ_TIMEOUT);
				WsTestClient publisher = nodeB.subscribed("control")) {
			GapNode nodeA = GapNode.start(redis, "ws-pubsub.shutdown.drain-duration=" + DRAIN,
					"ws-pubsub.shutdown.drain-min-batch=1", "ws-pubsub.shutdown.reconnect-window=" + WINDOW_PROPERTY);
			await().atMost(WAIT).until(() -> nodeA.fanout().isUp() && nodeB.fanout().isUp());
			List<WsTestClient> first = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				first.add(nodeA.subscribed("room:roll"));
			}
			AtomicInteger sent = new AtomicInteger();
			publishing.scheduleAtFixedRate(() -> publisher.send("pub room:roll {\"n\":" + sent.getAndIncrement() + "}"),
					0, 10, TimeUnit.MILLISECONDS);
			await().atMost(WAIT).until(() -> sent.get() > 20);

			long drainStarted = System.nanoTime();
			List<CompletableFuture<Reader>> back = new ArrayList<>();
			for (WsTestClient client : first) {
				back.add(CompletableFuture.supplyAsync(() -> Reader.moveOver(client, nodeB), readers));
			}
			TopicGapRepair repairOnA = nodeA.bean(TopicGapRepair.class);
			String repairsOnA = "node A before its drain: " + repairOnA.repairedCount() + " gap(s) repaired, resets "
					+ Arrays.stream(TopicGapRepair.ResetCause.values())
						.map((cause) -> cause.name().toLowerCase() + "=" + repairOnA.resetCount(cause))
						.toList();
			CompletableFuture<Void> closing = CompletableFuture.runAsync(nodeA::close, readers);
			List<Reader> moved = new ArrayList<>();
			for (CompletableFuture<Reader> reader : back) {
				moved.add(reader.get(WAIT.toSeconds(), TimeUnit.SECONDS));
			}
			closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			publishing.shutdown();
			assertThat(publishing.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			int last = sent.get() - 1;

			int lost = 0;
			int notRecovered = 0;
			for (Reader reader : moved) {
				int missed = reader.awaitAndCountLost(last);
				if (missed < 0) {
					notRecovered++;
				}
				else {
					lost += missed;
				}
			}
			List<Long> times = moved.stream().map((reader) -> reader.reconnectedAt - drainStarted).sorted().toList();
			long allBack = times.get(times.size() - 1);
			System.out.println("[rolling-restart] " + CLIENTS + " clients drained from node A over " + DRAIN
					+ ", window " + WINDOW_PROPERTY + ": " + "reconnects on node B peaked at " + peakPerSecond(times)
					+ "/s, all back after " + TimeUnit.NANOSECONDS.toMillis(allBack) + " ms, " + (last + 1)
					+ " publications, lost " + lost + ", resumes not recovered " + notRecovered
					+ ((lost > 0) ? ", readers missing each n: " + missingByN(moved) : "") + "; " + repairsOnA);
			assertThat(lost).as("publications lost").isZero();
			assertThat(notRecovered).as("resumes answered not recovered").isZero();
			// Spread over the drain and the window, not all in one second.
			assertThat(peakPerSecond(times)).isLessThan(CLIENTS);
			assertThat(Duration.ofNanos(allBack)).isGreaterThan(Duration.ofMillis(2000));
		}
		finally {
			publishing.shutdownNow();
			readers.shutdownNow();
		}
	}

	/**
	 * The rolling restart: readers on two nodes, half on each, one node drained
	 * (its readers resume on the other) and started again, then the other drained (all
	 * readers end on the first). The readers are
	 * {@code reliability/rolling-restart-readers.mjs} in a Node process; a third node,
	 * never restarted, publishes.
	 */
	@Test
	@EnabledIfSystemProperty(named = "reliability.roll.external", matches = "true")
	void bothNodesRestartedInTurnWhileReadersInAnotherProcessMoveBetweenThemLosingNothing() throws Exception {
		Duration wait = Duration.ofMinutes(5);
		String publishEvery = System.getProperty("reliability.roll.publish-every", "100");
		String[] drained = { "ws-pubsub.shutdown.drain-duration=" + DRAIN, "ws-pubsub.shutdown.drain-min-batch=1",
				"ws-pubsub.shutdown.reconnect-window=" + WINDOW_PROPERTY,
				"ws-pubsub.fanout.redis.command-timeout=" + READ_TIMEOUT };
		ScheduledExecutorService publishing = Executors.newSingleThreadScheduledExecutor();
		Process readers = null;
		try (TestRedis redis = TestRedis.start(); GapNode publisher = GapNode.start(redis)) {
			GapNode[] nodes = { GapNode.start(redis, drained), GapNode.start(redis, drained) };
			await().atMost(WAIT)
				.until(() -> publisher.fanout().isUp() && nodes[0].fanout().isUp() && nodes[1].fanout().isUp());
			readers = new ProcessBuilder("node", "--experimental-websocket", "reliability/rolling-restart-readers.mjs",
					"--topic", "room:roll")
				.directory(new File("..").getCanonicalFile())
				.redirectError(new File("target/rolling-restart-readers.log"))
				.start();
			PrintWriter toReaders = new PrintWriter(readers.getOutputStream(), true, StandardCharsets.UTF_8);
			BufferedReader fromReaders = new BufferedReader(
					new InputStreamReader(readers.getInputStream(), StandardCharsets.UTF_8));
			toReaders.println("url A " + nodes[0].uri());
			toReaders.println("url B " + nodes[1].uri());

			AtomicInteger sent = new AtomicInteger();
			WsServer server = publisher.bean(WsServer.class);
			publishing.scheduleAtFixedRate(() -> server.publish("room:roll", "{\"n\":" + sent.getAndIncrement() + "}"),
					0, Long.parseLong(publishEvery), TimeUnit.MILLISECONDS);
			long connecting = System.nanoTime();
			toReaders.println("connect " + CLIENTS);
			expect(fromReaders, "ready", wait);
			System.out.println("[rolling-restart] " + CLIENTS + " readers connected in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connecting) + " ms");

			// Node A drained, its readers resume on B; A started again; then B drained.
			toReaders.println("drain A");
			Accepts ontoB = Accepts.sample(nodes[1]);
			nodes[0].close();
			expect(fromReaders, "settled 0 " + CLIENTS, wait);
			ontoB.stop();
			nodes[0] = GapNode.start(redis, drained);
			await().atMost(WAIT).until(() -> nodes[0].fanout().isUp());
			toReaders.println("url A " + nodes[0].uri());
			toReaders.println("drain B");
			Accepts ontoA = Accepts.sample(nodes[0]);
			nodes[1].close();
			expect(fromReaders, "settled " + CLIENTS + " 0", wait);
			ontoA.stop();

			publishing.shutdown();
			assertThat(publishing.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			toReaders.println("last " + (sent.get() - 1));
			String result = expect(fromReaders, "result ", wait).substring("result ".length());
			nodes[0].close();
			System.out
				.println("[rolling-restart] " + CLIENTS + " readers, drain " + DRAIN + ", window " + WINDOW_PROPERTY
						+ ", a publication every " + publishEvery + " ms: connections accepted by B at most "
						+ ontoB.peakPerSecond() + " in a second while A drained, by A at most " + ontoA.peakPerSecond()
						+ " while B drained; readers: " + result);
			JsonNode figures = JsonMapper.shared().readTree(result);
			assertThat(figures.get("abnormalCloses").asInt()).as("readers cut off without a 1012").isZero();
			assertThat(figures.get("lost").asInt()).as("publications lost").isZero();
			assertThat(figures.get("disorder").asInt()).as("publications twice or out of order").isZero();
			assertThat(figures.get("notRecovered").asInt()).as("resumes answered not recovered").isZero();
			for (JsonNode phase : figures.get("phases")) {
				assertThat(phase.get("peakPerSecond").asInt()).as("peak reconnects, drained %s", phase.get("drained"))
					.isLessThan(phase.get("moved").asInt());
			}
		}
		finally {
			publishing.shutdownNow();
			if (readers != null) {
				readers.destroy();
			}
		}
	}

	/**
	 * The connections a node accepts, counted every 100 ms from its
	 * {@code wspubsub.connections.opened} meter: the survivor's side of the reconnects.
	 */
	private static final class Accepts {

		private final List<Double> counts = new CopyOnWriteArrayList<>();

		private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

		static Accepts sample(GapNode node) {
			Accepts accepts = new Accepts();
			MeterRegistry meters = node.bean(MeterRegistry.class);
			accepts.sampler.scheduleAtFixedRate(() -> accepts.counts
				.add(meters.find("wspubsub.connections.opened").counters().stream().mapToDouble(Counter::count).sum()),
					0, 100, TimeUnit.MILLISECONDS);
			return accepts;
		}

		void stop() {
			this.sampler.shutdownNow();
		}

		/** The most accepted within any ten consecutive samples. */
		int peakPerSecond() {
			double most = 0;
			for (int i = 10; i < this.counts.size(); i++) {
				most = Math.max(most, this.counts.get(i) - this.counts.get(i - 10));
			}
			return (int) most;
		}

	}

	/**
	 * Reads the readers' lines until one starting with {@code prefix}, within
	 * {@code wait}.
	 */
	private static String expect(BufferedReader lines, String prefix, Duration wait) throws Exception {
		CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
			try {
				for (String next = lines.readLine(); next != null; next = lines.readLine()) {
					if (next.startsWith(prefix)) {
						return next;
					}
				}
				throw new IllegalStateException("The readers ended before '" + prefix + "'");
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		return line.get(wait.toSeconds(), TimeUnit.SECONDS);
	}

	/** How many readers missed each publication that one missed, by its {@code n}. */
	private static SortedMap<Integer, Integer> missingByN(List<Reader> readers) {
		SortedMap<Integer, Integer> missing = new TreeMap<>();
		for (Reader reader : readers) {
			reader.missing.forEach((n) -> missing.merge(n, 1, Integer::sum));
		}
		return missing;
	}

	/** The most of the sorted {@code times} (nanoseconds) within one second. */
	private static int peakPerSecond(List<Long> times) {
		int most = 0;
		for (int from = 0, to = 0; to < times.size(); to++) {
			while (times.get(to) - times.get(from) >= TimeUnit.SECONDS.toNanos(1)) {
				from++;
			}
			most = Math.max(most, to - from + 1);
		}
		return most;
	}

	/** One reader: what it received on node A, then on node B after resuming. */
	private static final class Reader {

		final List<String> received = new ArrayList<>();

		/** The publications it never got, by {@code n}. */
		final List<Integer> missing = new ArrayList<>();

		WsTestClient client;

		long reconnectedAt;

		private Reader(WsTestClient client) {
			this.client = client;
		}

		/** Waits for the 1012, then behaves as the browser client does. */
		static Reader moveOver(WsTestClient client, GapNode to) {
			Reader reader = new Reader(client);
			CloseStatus close = client.awaitClose(WAIT);
			assertThat(close.code()).isEqualTo(1012);
			reader.received.addAll(client.drain());
			Matcher window = WINDOW.matcher(close.reason());
			assertThat(window.find()).as("window in %s", close.reason()).isTrue();
			long delay = ThreadLocalRandom.current().nextLong(Long.parseLong(window.group(1)));
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
			JsonNode lastSeen = JsonMapper.shared().readTree(reader.received.get(reader.received.size() - 1));
			reader.client = WsTestClient.builder(to.uri()).defaultTimeout(WAIT).connect();
			reader.reconnectedAt = System.nanoTime();
			reader.client
				.send("resume room:roll " + lastSeen.get("epoch").asString() + " " + lastSeen.get("offset").asLong());
			return reader;
		}

		/**
		 * Reads up to publication {@code last}; how many it never got, {@code -1} when
		 * its resume was answered "not recovered".
		 */
		int awaitAndCountLost(int last) {
			try (WsTestClient client = this.client) {
				// No first delay: most readers have it all by now, and they are checked
				// one
				// after the other.
				await().atMost(WAIT).pollDelay(Duration.ZERO).until(() -> {
					this.received.addAll(client.drain());
					return this.received.stream()
						.anyMatch((text) -> text.equals("not_recovered")
								|| JsonMapper.shared().readTree(text).path("n").asInt(-1) == last);
				});
			}
			if (this.received.contains("not_recovered")) {
				return -1;
			}
			int firstN = JsonMapper.shared().readTree(this.received.get(0)).get("n").asInt();
			List<Integer> ns = this.received.stream()
				.map((text) -> JsonMapper.shared().readTree(text).get("n").asInt())
				.toList();
			assertThat(ns).as("in order, once").isSorted().doesNotHaveDuplicates();
			Set<Integer> got = new HashSet<>(ns);
			for (int n = firstN; n <= last; n++) {
				if (!got.contains(n)) {
					this.missing.add(n);
				}
			}
			return (last - firstN + 1) - ns.size();
		}

	}

}
