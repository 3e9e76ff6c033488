package dev.wspubsub.sending;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.test.Frame;
import dev.wspubsub.testapp.ExpectedLog;
import dev.wspubsub.testapp.SlowConsumerApplication;
import dev.wspubsub.testapp.WsTestSupport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The slow-consumer cap: past four times {@code backpressure-limit}, messages to a client
 * that stopped reading are dropped ({@code send} answers 0), counted and logged once, so
 * the connection's buffer stops growing; other clients are served as before. What was
 * accepted reaches the client, in order, once it reads again.
 */
@SpringBootTest(classes = SlowConsumerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowConsumerTests extends WsTestSupport {

	private static final byte[] CHUNK = new byte[16 * 1024];

	/** A binary frame of {@link #CHUNK}: a 4-byte header and the payload. */
	/**
	 * One frame as the channel counts it: its bytes, and Netty's bookkeeping of one write
	 * (96 by default).
	 */
	private static final long FRAME = CHUNK.length + 4 + 96;

	private static final long CAP = 4 * SlowConsumerApplication.LIMIT;

	/**
	 * A bound on the loops, far past what the cap and the pinned socket buffers can take.
	 */
	private static final int MAX_SENDS = 2_000;

	private static final String END = "end";

	/** What the endpoint sends when the connection has room again (its @OnDrain). */
	private static final String DRAINED = "drained";

	@Autowired
	MeterRegistry meters;

	@Test
	void pastFourTimesTheLimitMessagesToAClientThatStoppedReadingAreDroppedCountedAndLoggedOnce() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "does not read: past");
				RawConnected slow = openRaw("/capped");
				Connected other = open("/capped")) {
			WsSession<?> session = slow.session();
			double droppedBefore = slowConsumerDrops();
			Sends sends = new Sends(session);
			fillSocket(sends);
			// From here on the kernel takes (next to) nothing: sends are queued (-1)
			// until the cap, then dropped.
			int status;
			long bufferedBeforeTheDrop;
			do {
				bufferedBeforeTheDrop = session.bufferedAmount();
				status = sends.send();
			}
			while (status != WsSession.DROPPED && sends.count() < MAX_SENDS);
			assertThat(status).as("send past the cap").isEqualTo(WsSession.DROPPED);
			// A send is accepted while at most the cap is buffered: the first one dropped
			// met a buffer past it (the kernel only ever takes from it).
			assertThat(bufferedBeforeTheDrop).as("buffered when the first send was dropped")
				.isGreaterThan(CAP - FRAME)
				.isLessThanOrEqualTo(CAP + FRAME);
			int droppedOfHundred = 0;
			for (int i = 0; i < 100; i++) {
				if (sends.send() == WsSession.DROPPED) {
					droppedOfHundred++;
				}
			}
			// The kernel may still take a little now and then (a late window update),
			// letting a send in under the cap again; the cap itself must hold.
			assertThat(droppedOfHundred).as("sends dropped of 100 past the cap").isGreaterThanOrEqualTo(90);
			assertThat(session.bufferedAmount()).as("buffered after 1.6MB more").isLessThanOrEqualTo(CAP + FRAME);
			assertThat(session.readyState()).as("dropped, not closed").isEqualTo(WsSession.OPEN);

			// Another client of the same endpoint and topic is served as if nothing
			// happened.
			session.subscribe("room");
			other.session().subscribe("room");
			assertThat(other.client().sendAndAwait("still served")).isEqualTo("still served");
			List<String> news = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				news.add("news-" + i);
				this.server.publish("room", "news-" + i);
			}
			assertThat(other.client().awaitMessages(50, TIMEOUT)).isEqualTo(news);

			// The slow client reads again: it gets what was accepted, in order, and
			// nothing of what was dropped. Whether a publish found the buffer under the
			// cap is the kernel's timing; that each is either delivered or counted is
			// not.
			List<String> newsReceived = drain(slow, sends.accepted(), session);
			assertThat(newsReceived).as("news delivered, in order and once")
				.isEqualTo(news.stream().filter(newsReceived::contains).toList());
			double expectedDrops = droppedBefore + sends.dropped() + (news.size() - newsReceived.size());
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(slowConsumerDrops()).as("drops counted").isEqualTo(expectedDrops));
			assertThat(log.lines()).singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("WsConnection[" + slow.id() + " /capped ")
				.contains("does not read: past 4x its backpressure limit");
		}
	}

	/**
	 * Sends until the socket below is full and the connection's own buffer holds the
	 * limit.
	 */
	private static void fillSocket(Sends sends) {
		while (sends.count() < MAX_SENDS) {
			// A -1 can also come from a burst the kernel then takes whole; the steady
			// amount tells.
			if (sends.send() == WsSession.BACKPRESSURE
					&& steadyBufferedAmount(sends.session()) + FRAME > SlowConsumerApplication.LIMIT) {
				return;
			}
		}
		throw new AssertionError("send never answered -1 in " + MAX_SENDS + " sends");
	}

	/**
	 * The connection's buffered amount once it has stopped changing: the socket below
	 * takes no more.
	 */
	private static long steadyBufferedAmount(WsSession<?> session) {
		AtomicLong last = new AtomicLong(-1);
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
			long now = session.bufferedAmount();
			return last.getAndSet(now) == now;
		});
		return last.get();
	}

	/**
	 * Reads the {@code binaries} chunks accepted, then the texts after them up to an end
	 * mark sent once the buffer has room again; the endpoint's own "drained" aside.
	 * @return the texts before the mark
	 */
	private static List<String> drain(RawConnected slow, int binaries, WsSession<?> session) {
		for (int read = 0; read < binaries;) {
			Frame frame = slow.raw().readFrame(TIMEOUT);
			if (frame.opcode() == Frame.BINARY) {
				assertThat(frame.payload()).as("chunk " + read).hasSize(CHUNK.length);
				read++;
			}
			else if (frame.opcode() == Frame.TEXT) {
				assertThat(frame.text()).as("text among the chunks, after " + read).isEqualTo(DRAINED);
			}
		}
		assertThat(session.sendText(END)).as("the end mark, once read").isNotEqualTo(WsSession.DROPPED);
		List<String> texts = new ArrayList<>();
		for (Frame frame = slow.raw().readFrame(TIMEOUT); !END.equals(text(frame)); frame = slow.raw()
			.readFrame(TIMEOUT)) {
			assertThat(frame.opcode()).as("frame after the chunks").isNotEqualTo(Frame.BINARY);
			if (frame.opcode() == Frame.TEXT && !DRAINED.equals(frame.text())) {
				texts.add(frame.text());
			}
		}
		return texts;
	}

	private static @Nullable String text(Frame frame) {
		return (frame.opcode() == Frame.TEXT) ? frame.text() : null;
	}

	private double slowConsumerDrops() {
		Counter counter = this.meters.find("wspubsub.dropped")
			.tags("endpoint", "/capped", "reason", WsMetricsListener.DROPPED_SLOW_CONSUMER)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	/** Binary sends of {@link #CHUNK} to one session, counted by their answer. */
	private static final class Sends {

		private final WsSession<?> session;

		private int accepted;

		private int dropped;

		Sends(WsSession<?> session) {
			this.session = session;
		}

		int send() {
			int status = this.session.sendBinary(CHUNK);
			if (status == WsSession.DROPPED) {
				this.dropped++;
			}
			else {
				this.accepted++;
			}
			return status;
		}

		WsSession<?> session() {
			return this.session;
		}

		int count() {
			return this.accepted + this.dropped;
		}

		int accepted() {
			return this.accepted;
		}

		int dropped() {
			return this.dropped;
		}

	}

}
