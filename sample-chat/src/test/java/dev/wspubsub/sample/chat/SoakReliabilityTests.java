package dev.wspubsub.sample.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability, soak (issue 14, scenario 4): many chat users in rooms of ten, each saying
 * something at a steady pace, against one sample-chat node in a process of its own (the
 * default profile: no Redis) for a long time, at half of the highest rate the node was
 * seen to sustain on the same connections just before. Every minute the node's live heap
 * after a full GC and its RSS are read from outside. It passes if the heap from
 * {@code steady-from} on stays within {@code heap-tolerance} of its mean, the RSS grows
 * by no more than {@code rss-tolerance} over that time, every user is still connected and
 * got every message of its room once and in each sender's order, and the node's output
 * has no {@code LEAK:} and no {@code ERROR} line.
 *
 * <p>
 * The short form in {@code ./mvnw verify}: 1,000 users for 30 s, sampled every 5 s from
 * 10 s on, calibration stopped at 1,600 messages a second (so it soaks at 800 at most:
 * other builds share the machine), a room history of 50 messages (so it is full before
 * the first sample); the heap within 2 % of its mean (0.6 % when nothing leaks, 4.7 %
 * with a handler that keeps each message), RSS growth 10 %. The full form,
 * {@code reliability/run-soak.sh}: 10,000 users for 30 minutes, sampled every minute from
 * minute 5 on, the sample's own history of 1,000, bounds of 5 %.
 */
class SoakReliabilityTests {

	private static final int CONNECTIONS = Integer.getInteger("reliability.connections", 1000);

	private static final Duration DURATION = duration("reliability.duration", "PT30S");

	/**
	 * Every user who comes is announced to everyone there (the sample's presence):
	 * connecting is quadratic.
	 */
	private static final Duration CONNECT_TIMEOUT = duration("reliability.connect-timeout", "PT2M");

	private static final Duration SAMPLE = duration("reliability.sample", "PT5S");

	private static final Duration STEADY_FROM = duration("reliability.steady-from", "PT10S");

	private static final double HEAP_TOLERANCE = number("reliability.heap-tolerance", "0.02");

	private static final double RSS_TOLERANCE = number("reliability.rss-tolerance", "0.10");

	/** Messages a second in all; 0: half of what calibration finds the node sustains. */
	private static final double RATE = number("reliability.rate", "0");

	private static final Duration STEP = duration("reliability.calibration-step", "PT1S");

	private static final double STEP_FACTOR = number("reliability.calibration-factor", "2");

	/**
	 * Calibration stops here even if the node would sustain more: the short form stays
	 * light on a busy machine.
	 */
	private static final double MAX_RATE = number("reliability.calibration-max", "1600");

	/**
	 * A calibration step is sustained if its p99 is within this and no more is owed than
	 * this much traffic.
	 */
	private static final Duration BOUND = duration("reliability.latency-bound", "PT0.2S");

	private static final int HISTORY = Integer.getInteger("reliability.history", 50);

	private static final int ROOM_SIZE = 10;

	/** Handshakes in flight at once: the node's accept queue never overflows. */
	private static final int IN_FLIGHT = 200;

	private static final double MB = 1024 * 1024;

	private final SoakTraffic traffic = new SoakTraffic();

	record Sample(Duration at, ProcessMemory.Sample memory, long sent, long delivered, long p50, long p99) {
	}

	@Test
	void usersChatForLongAtHalfOfSaturationAndTheNodeNeitherGrowsNorLosesAnything() throws Exception {
		String leakLevel = System.getProperty("io.netty.leakDetection.level", "paranoid");
		List<String> jvm = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
				"-Dio.netty.leakDetection.level=" + leakLevel);
		List<String> arguments = List.of("--ws-pubsub.history.topics[0].pattern=room:*",
				"--ws-pubsub.history.topics[0].size=" + HISTORY, "--ws-pubsub.history.topics[0].ttl=10m");
		ChatNodeProcess node = ChatNodeProcess.startAlone("soak", ChatNodeProcess.freePort(), jvm, arguments);
		try (SoakClients clients = new SoakClients(node.port(), this.traffic)) {
			long connecting = System.nanoTime();
			List<SoakMember> users = clients.connect(CONNECTIONS, ROOM_SIZE, IN_FLIGHT, CONNECT_TIMEOUT);
			Duration connected = Duration.ofNanos(System.nanoTime() - connecting);
			double sustained = (RATE > 0) ? 2 * RATE : calibrate(clients);
			double rate = sustained / 2;
			assertThat(rate).as("a rate the node sustains").isPositive();

			this.traffic.phase(SoakTraffic.SOAK);
			List<Sample> samples = soak(clients, node, rate);
			clients.stopPacing();
			awaitEverythingDelivered(Duration.ofSeconds(60));

			Deliveries deliveries = Deliveries.count(users, ROOM_SIZE, SoakTraffic.SOAK);
			List<Sample> steady = samples.stream().filter((sample) -> sample.at().compareTo(STEADY_FROM) >= 0).toList();
			LongSummaryStatistics heap = steady.stream()
				.mapToLong((sample) -> sample.memory().liveHeapBytes())
				.summaryStatistics();
			double heapSpread = steady.stream()
				.mapToDouble(
						(sample) -> Math.abs(sample.memory().liveHeapBytes() - heap.getAverage()) / heap.getAverage())
				.max()
				.orElse(Double.NaN);
			long rssFirst = steady.get(0).memory().rssBytes();
			long rssMax = steady.stream().mapToLong((sample) -> sample.memory().rssBytes()).max().orElseThrow();
			double rssGrowth = (double) (rssMax - rssFirst) / rssFirst;
			LatencyHistogram whole = this.traffic.nextWindow();
			System.out.printf("Soak: %d connections in rooms of %d for %s at %.0f msg/s (half of %.0f sustained%s),"
					+ " connected in %d s; %d messages, %d deliveries, %d lost, %d out of order, %d still open;"
					+ " p50/p99 per sample %s; live heap after GC from %s: %.1f-%.1f MB, mean %.1f MB (±%.1f %%);"
					+ " RSS %.1f MB, at most %.1f MB (+%.1f %%)%n", CONNECTIONS, ROOM_SIZE, DURATION, rate, sustained,
					(RATE > 0) ? ", given" : ", calibrated", connected.toSeconds(), deliveries.sent(),
					deliveries.delivered(), deliveries.lost(), deliveries.disorder(), deliveries.open(),
					latencies(samples), STEADY_FROM, heap.getMin() / MB, heap.getMax() / MB, heap.getAverage() / MB,
					100 * heapSpread, rssFirst / MB, rssMax / MB, 100 * rssGrowth);

			assertThat(this.traffic.problems()).as("problems (%d in all)", this.traffic.problemCount()).isEmpty();
			assertThat(deliveries.open()).as("users still connected").isEqualTo(CONNECTIONS);
			assertThat(deliveries.lost()).as("messages lost").isZero();
			assertThat(deliveries.disorder()).as("messages twice or out of order").isZero();
			assertThat(steady).as("samples from %s on", STEADY_FROM).hasSizeGreaterThanOrEqualTo(3);
			assertThat(heapSpread).as("live heap's largest distance from its mean").isLessThanOrEqualTo(HEAP_TOLERANCE);
			assertThat(rssGrowth).as("RSS growth").isLessThanOrEqualTo(RSS_TOLERANCE);
		}
		finally {
			node.close();
		}
		List<String> bad = Files.readAllLines(node.output())
			.stream()
			.filter((line) -> line.contains("LEAK:") || line.contains(" ERROR "))
			.toList();
		assertThat(bad).as("LEAK: and ERROR lines in " + node.output()).isEmpty();
	}

	/**
	 * Raises the rate step by step until a step is not sustained (its p99 past the bound,
	 * or more owed at its end than the bound's worth of traffic, or the pacer could not
	 * keep up), then lets the backlog drain. Returns the highest sustained rate.
	 */
	private double calibrate(SoakClients clients) throws IOException {
		double sustained = 0;
		double rate = CONNECTIONS / 10.0; // each user once in 10 s
		for (int step = 0; step < 20 && rate <= MAX_RATE; step++) {
			long sentBefore = this.traffic.sentCount();
			this.traffic.nextWindow();
			clients.pace(rate);
			LockSupport.parkNanos(STEP.toNanos());
			LatencyHistogram window = this.traffic.nextWindow();
			long sent = this.traffic.sentCount() - sentBefore;
			long owed = this.traffic.sentCount() * ROOM_SIZE - this.traffic.deliveredCount();
			long p99 = window.percentileMicros(99);
			boolean kept = sent >= 0.95 * rate * STEP.toMillis() / 1000.0
					&& owed <= rate * ROOM_SIZE * BOUND.toMillis() / 1000.0 && p99 <= BOUND.toNanos() / 1000;
			System.out.printf("Soak calibration: %.0f msg/s, %d sent, %d deliveries owed at the end, p99 %d us: %s%n",
					rate, sent, owed, p99, kept ? "sustained" : "not sustained");
			if (!kept) {
				break;
			}
			sustained = rate;
			rate *= STEP_FACTOR;
		}
		clients.pace(0);
		awaitEverythingDelivered(Duration.ofSeconds(60));
		return sustained;
	}

	private List<Sample> soak(SoakClients clients, ChatNodeProcess node, double rate) {
		ProcessMemory memory = new ProcessMemory(node.pid());
		List<Sample> samples = new ArrayList<>();
		long start = System.nanoTime();
		long sentBefore = this.traffic.sentCount();
		long deliveredBefore = this.traffic.deliveredCount();
		this.traffic.nextWindow();
		clients.pace(rate);
		for (Duration at = SAMPLE; at.compareTo(DURATION) <= 0; at = at.plus(SAMPLE)) {
			LockSupport.parkNanos(start + at.toNanos() - System.nanoTime());
			LatencyHistogram window = this.traffic.nextWindow();
			long sent = this.traffic.sentCount();
			long delivered = this.traffic.deliveredCount();
			Sample sample = new Sample(at, memory.sample(), sent - sentBefore, delivered - deliveredBefore,
					window.percentileMicros(50), window.percentileMicros(99));
			sentBefore = sent;
			deliveredBefore = delivered;
			samples.add(sample);
			System.out.printf(
					"Soak at %s: live heap %.1f MB, RSS %.1f MB, %d sent, %d delivered, p50 %d us, p99 %d us%n", at,
					sample.memory().liveHeapBytes() / MB, sample.memory().rssBytes() / MB, sample.sent(),
					sample.delivered(), sample.p50(), sample.p99());
			if (this.traffic.problemCount() > 0) {
				break; // the assertions say what went wrong
			}
		}
		return samples;
	}

	private void awaitEverythingDelivered(Duration timeout) {
		await("every message delivered to every member of its room").atMost(timeout)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> this.traffic.deliveredCount() >= this.traffic.sentCount() * ROOM_SIZE
					|| this.traffic.problemCount() > 0);
	}

	private static String latencies(List<Sample> samples) {
		return samples.stream().map((sample) -> sample.p50() + "/" + sample.p99() + " us").toList().toString();
	}

	private static Duration duration(String property, String defaultValue) {
		return Duration.parse(System.getProperty(property, defaultValue));
	}

	private static double number(String property, String defaultValue) {
		return Double.parseDouble(System.getProperty(property, defaultValue));
	}

}
