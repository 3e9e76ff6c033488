package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability, node crash (issue 14, scenario 2): two chat nodes in processes of their
 * own on one Redis. Readers of a room sit on node A while writers on node B keep
 * chatting; A is killed with SIGKILL, its readers reconnect to B and rejoin with the
 * position they last saw, A starts again and they move back. Every reader must end up
 * with exactly the room's sequence from where it started: nothing lost, nothing twice, in
 * order.
 *
 * <p>
 * The short form in {@code ./mvnw verify}: 3 cycles of about 3 s. The full form,
 * {@code reliability/run-node-crash.sh}: 10 cycles of 20 s
 * ({@code -Dreliability.cycles=10 -Dreliability.interval=PT20S}).
 */
class NodeCrashReliabilityTests {

	private static final int CYCLES = Integer.getInteger("reliability.cycles", 3);

	private static final Duration INTERVAL = Duration.parse(System.getProperty("reliability.interval", "PT3S"));

	private static final String ROOM = "crash";

	private static final int READERS = 4;

	@Test
	void readersOfAKilledNodeResumeOnTheOtherWithNothingLostAndNothingTwice() throws Exception {
		ScheduledExecutorService chatter = Executors.newSingleThreadScheduledExecutor();
		try (TestRedis redis = TestRedis.start();
				ChatNodeProcess nodeA = ChatNodeProcess.start("node-a", ChatNodeProcess.freePort(), redis.port());
				ChatNodeProcess nodeB = ChatNodeProcess.start("node-b", ChatNodeProcess.freePort(), redis.port());
				WsTestClient ann = ChatClients.connect(nodeB.port(), "Ann");
				WsTestClient bob = ChatClients.connect(nodeB.port(), "Bob")) {
			ChatClients.join(ann, ROOM);
			ChatClients.join(bob, ROOM);
			RoomReader reference = new RoomReader("Ref", ROOM); // on the node that never
																// dies: the room as it
																// was
			reference.connect(nodeB.port());
			List<RoomReader> readers = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				RoomReader reader = new RoomReader("Reader" + i, ROOM);
				reader.connect(nodeA.port());
				readers.add(reader);
			}
			AtomicInteger sequence = new AtomicInteger();
			AtomicReference<RuntimeException> chatterFailed = new AtomicReference<>();
			chatter.scheduleAtFixedRate(() -> {
				int n = sequence.incrementAndGet();
				try {
					(n % 2 == 0 ? ann : bob).sendJson(Map.of("type", "chat", "room", ROOM, "text", "m" + n));
				}
				catch (RuntimeException ex) {
					chatterFailed.compareAndSet(null, ex); // a scheduled task that throws
															// stops without a word
					throw ex;
				}
			}, 0, 10, TimeUnit.MILLISECONDS);
			this.chatterFailed = chatterFailed;
			long perInterval = INTERVAL.toMillis() / 10 / 2; // half of what the chatter
																// sends in an interval

			for (int cycle = 1; cycle <= CYCLES; cycle++) {
				awaitMoreTraffic(reference, perInterval);
				nodeA.kill();
				for (RoomReader reader : readers) {
					reader.awaitClosed(Duration.ofSeconds(10));
					reader.connect(nodeB.port()); // resume on the survivor
				}
				awaitMoreTraffic(reference, perInterval);
				nodeA.start();
				for (RoomReader reader : readers) {
					reader.disconnect();
					reader.connect(nodeA.port()); // and back home
				}
			}
			chatter.shutdown();
			assertThat(chatter.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			ann.sendJson(Map.of("type", "chat", "room", ROOM, "text", "end"));

			List<RoomReader> everyone = new ArrayList<>(readers);
			everyone.add(reference);
			for (RoomReader reader : everyone) {
				try {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> reader.last() != null && "end".equals(reader.last().text()));
				}
				catch (ConditionTimeoutException ex) {
					// Which reader, and where it stopped: the start of any diagnosis.
					throw new AssertionError(reader.name() + " never heard 'end'; it last had " + lastFew(reader)
							+ " of " + reader.received().size() + ", problems " + reader.problems(), ex);
				}
			}
			List<RoomReader.Received> room = reference.received();
			assertConsecutive("Ref", room);
			assertThat(room.size()).as("messages in the room").isGreaterThan(CYCLES * 2 * (int) perInterval);
			System.out.printf(
					"Node crash: %d cycles of %s, %d messages in the room, %d readers each resumed %d times%n", CYCLES,
					INTERVAL, room.size(), READERS, 2 * CYCLES);
			for (RoomReader reader : readers) {
				assertThat(reader.problems()).as(reader.name()).isEmpty();
				List<RoomReader.Received> seen = reader.received();
				assertConsecutive(reader.name(), seen);
				// From the first message it saw, exactly what the room had: nothing lost,
				// nothing twice.
				assertThat(seen).as(reader.name()).isEqualTo(room.subList(room.indexOf(seen.get(0)), room.size()));
			}
		}
		finally {
			chatter.shutdownNow();
		}
	}

	private AtomicReference<RuntimeException> chatterFailed = new AtomicReference<>();

	private void awaitMoreTraffic(RoomReader reference, long messages) {
		int before = reference.received().size();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.chatterFailed.get() != null || reference.received().size() >= before + messages);
		if (this.chatterFailed.get() != null) {
			throw new AssertionError("A writer's send failed", this.chatterFailed.get());
		}
	}

	private static List<RoomReader.Received> lastFew(RoomReader reader) {
		List<RoomReader.Received> received = reader.received();
		return received.subList(Math.max(0, received.size() - 3), received.size());
	}

	private static void assertConsecutive(String who, List<RoomReader.Received> received) {
		for (int i = 1; i < received.size(); i++) {
			RoomReader.Received previous = received.get(i - 1);
			RoomReader.Received next = received.get(i);
			assertThat(next.epoch()).as("%s: epoch at message %d", who, i).isEqualTo(previous.epoch());
			assertThat(next.offset()).as("%s: offset after %s", who, previous).isEqualTo(previous.offset() + 1);
		}
	}

}
