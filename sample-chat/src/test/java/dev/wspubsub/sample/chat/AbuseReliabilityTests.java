package dev.wspubsub.sample.chat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import com.sun.management.OperatingSystemMXBean;
import dev.wspubsub.WsServer;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability, abuse (issue 14, scenario 5): while two bystanders chat, one address sends
 * malformed frames, oversized frames and compressed bombs, and floods the server with
 * upgrades. Each bad connection is refused at the upgrade or closed with its RFC 6455
 * code; the bystanders get every message, in order, about as fast as without the abuse;
 * and the heap does not grow.
 *
 * <p>
 * The attackers are {@link Attackers}, in a JVM of their own, connecting from 127.0.0.2;
 * the bystanders connect from 127.0.0.1. The sample runs as a deployment would, with
 * per-address caps on connections and on upgrades a second
 * ({@code reliability.max-connections-per-ip},
 * {@code reliability.max-upgrades-per-ip-per-second}; 0 turns either off, for
 * comparison).
 *
 * <p>
 * {@code reliability.abuse} is how long each phase lasts; under abuse the bystanders' p99
 * may be {@code reliability.factor} times the calm one plus {@code reliability.slack}: 3
 * s, 3 and 1 s in the short form (it catches a stall, not a slowdown); 30 s, 1.2 and 5 ms
 * in {@code reliability/run-abuse.sh}. With {@code reliability.jfr} set to a file, the
 * judged phase of abuse is recorded there with JFR's profile settings.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "chat.heartbeat.interval=1h", "ws-pubsub.per-message-deflate.enabled=true",
				"ws-pubsub.max-connections-per-ip=${reliability.max-connections-per-ip:20}",
				"ws-pubsub.max-upgrades-per-ip-per-second=${reliability.max-upgrades-per-ip-per-second:10}" })
class AbuseReliabilityTests {

	private static final Duration PHASE = Duration.parse(System.getProperty("reliability.abuse", "PT3S"));

	/**
	 * How much slower the bystanders may be under abuse: a factor on their calm p99, plus
	 * a slack.
	 */
	private static final double FACTOR = Double.parseDouble(System.getProperty("reliability.factor", "3"));

	private static final Duration SLACK = Duration.parse(System.getProperty("reliability.slack", "PT1S"));

	/** The attackers' own address: Linux routes all of 127.0.0.0/8 to loopback. */
	private static final String ATTACKER_ADDRESS = "127.0.0.2";

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	private final ExecutorService threads = Executors.newFixedThreadPool(2);

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void bystandersChatOnUndisturbedWhileOneAddressSendsGarbageBombsAndUpgradeFloods() throws Exception {
		try (WsTestClient ann = ChatClients.connect(this.port, "Ann");
				WsTestClient bob = ChatClients.connect(this.port, "Bob")) {
			ChatClients.join(ann, "calm");
			ChatClients.join(bob, "calm");
			chat(ann, bob, "calm", 0); // warm-up: the JIT's work out of the comparison
			Phase calm = chat(ann, bob, "calm", 1);
			long heapBefore = usedHeapAfterGc();

			Phase firstAbused;
			Phase abused;
			long attackersCpu;
			Map<String, String> tally;
			jdk.jfr.Recording recording = null;
			if (System.getProperty("reliability.jfr") != null) {
				recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
				recording.setDestination(Path.of(System.getProperty("reliability.jfr")));
			}
			try (AttackerProcess attackers = AttackerProcess.start(this.port, ATTACKER_ADDRESS,
					PHASE.multipliedBy(5).plusSeconds(60))) {
				// The first phase of abuse pays for the JIT's compiling the attacks'
				// paths, as the calm warm-up did for chat's.
				firstAbused = chat(ann, bob, "calm", 2);
				if (recording != null) {
					recording.start();
				}
				Duration attackersBefore = attackers.cpuTime();
				abused = chat(ann, bob, "calm", 3);
				attackersCpu = (attackers.cpuTime().minus(attackersBefore)).toMillis() * 100 / PHASE.toMillis();
				tally = attackers.stop();
			}
			if (recording != null) {
				recording.stop();
				recording.close();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.server.connections() == 2);
			long heapAfter = usedHeapAfterGc();
			long frameAttacks = Stream.of("malformed", "oversized", "bomb")
				.mapToLong((kind) -> total(tally.get(kind)))
				.sum();
			System.out
				.printf("Abuse: %s per phase, %d bad connections refused or closed (%s); bystanders' p99 %d us calm,"
						+ " %d us in the first phase of abuse, %d us in the second; other messages to Bob %d calm, %d and %d under"
						+ " abuse; CPU (100%% a core) of the server %d%% calm, %d%% and %d%% under abuse, of the attackers %d%% in the"
						+ " second phase, of the machine %d%% calm, %d%% and %d%% under abuse; heap after GC %d MB before, %d MB after%n",
						PHASE, frameAttacks + total(tally.get("flood")), tally, calm.p99().toNanos() / 1000,
						firstAbused.p99().toNanos() / 1000, abused.p99().toNanos() / 1000, calm.others(),
						firstAbused.others(), abused.others(), calm.serverCpu(), firstAbused.serverCpu(),
						abused.serverCpu(), attackersCpu, calm.machineCpu(), firstAbused.machineCpu(),
						abused.machineCpu(), heapBefore >> 20, heapAfter >> 20);
			assertThat(tally.get("failures"))
				.as("attacks that did not end as they must; the first: " + tally.get("first"))
				.isEqualTo("0");
			for (String kind : List.of("malformed", "oversized", "bomb")) {
				assertThat(Long.parseLong(tally.get(kind).split("/")[0]))
					.as(kind + " frames let in and closed with their code")
					.isPositive();
			}
			assertThat(abused.p99()).as("bystanders' p99 latency under abuse")
				.isLessThan(Duration.ofNanos((long) (calm.p99().toNanos() * FACTOR)).plus(SLACK));
			assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(32L << 20);
		}
	}

	/** "closed/refused" → their sum. */
	private static long total(String pair) {
		String[] parts = pair.split("/");
		return Long.parseLong(parts[0]) + Long.parseLong(parts[1]);
	}

	/**
	 * Ann says one thing every 5 ms for a phase; Bob must hear all of it in order.
	 * Answers the p99 latency, how many other messages Bob got meanwhile (presence,
	 * mostly) and this JVM's CPU use.
	 */
	private Phase chat(WsTestClient ann, WsTestClient bob, String room, int phase) throws Exception {
		int messages = (int) (PHASE.toMillis() / 5);
		AtomicLong others = new AtomicLong();
		Future<long[]> heard = this.threads.submit(() -> {
			long[] latencies = new long[messages];
			for (int n = 0; n < messages; n++) {
				JsonNode chat = bob.awaitJson(Duration.ofSeconds(30));
				while (!"chat".equals(chat.path("type").asString())) {
					others.incrementAndGet();
					chat = bob.awaitJson(Duration.ofSeconds(30));
				}
				String[] parts = chat.path("text").asString().split(" ");
				assertThat(parts[0]).as("Bob hears Ann in order").isEqualTo(phase + ":" + n);
				latencies[n] = System.nanoTime() - Long.parseLong(parts[1]);
			}
			return latencies;
		});
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long cpuBefore = os.getProcessCpuTime();
		long[] machineBefore = machineTicks();
		long start = System.nanoTime();
		for (int n = 0; n < messages; n++) {
			LockSupport.parkNanos(start + n * 5_000_000L - System.nanoTime()); // the
																				// bystanders'
																				// own
																				// pace
			ann.sendJson(Map.of("type", "chat", "room", room, "text", phase + ":" + n + " " + System.nanoTime()));
		}
		long[] latencies = heard.get(60, TimeUnit.SECONDS);
		long serverCpu = (os.getProcessCpuTime() - cpuBefore) * 100 / (System.nanoTime() - start);
		long[] machineAfter = machineTicks();
		long machineCpu = (machineAfter[1] > machineBefore[1]) ? (machineAfter[0] - machineBefore[0]) * 100
				* Runtime.getRuntime().availableProcessors() / (machineAfter[1] - machineBefore[1]) : -1;
		Arrays.sort(latencies);
		return new Phase(Duration.ofNanos(latencies[(int) (latencies.length * 0.99)]), others.get(), serverCpu,
				machineCpu);
	}

	/**
	 * A phase's bystanders' p99, other messages to Bob, and CPU use in percent of one
	 * core.
	 */
	private record Phase(Duration p99, long others, long serverCpu, long machineCpu) {
	}

	/** Busy and total jiffies of all cores, from Linux's /proc/stat; zeros elsewhere. */
	private static long[] machineTicks() {
		try {
			String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < fields.length; i++) {
				total += Long.parseLong(fields[i]);
			}
			long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]); // idle and
																				// iowait
			return new long[] { total - idle, total };
		}
		catch (IOException | RuntimeException ex) {
			return new long[2];
		}
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		memory.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

}
