package dev.wspubsub.sending;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import dev.wspubsub.testapp.ExpectedLog;
import dev.wspubsub.testapp.SlowConsumerApplication;
import dev.wspubsub.testapp.WsTestSupport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The slow-consumer cap: past four times {@code backpressure-limit}, messages to a client
 * that stopped reading are dropped ({@code send} answers 0), counted and logged once, so
 * the connection's buffer stops growing; other clients are served as before.
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

	@Autowired
	MeterRegistry meters;

	@Test
	void pastFourTimesTheLimitMessagesToAClientThatStoppedReadingAreDroppedCountedAndLoggedOnce() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "does not read: past");
				RawConnected slow = openRaw("/capped");
				Connected other = open("/capped")) {
			WsSession<?> session = slow.session();
			double droppedBefore = slowConsumerDrops();
			fillSocket(session);
			// From here on the kernel takes (next to) nothing: sends are queued (-1)
			// until the cap, then dropped.
			int status;
			int sends = 0;
			do {
				status = session.sendBinary(CHUNK);
				sends++;
			}
			while (status != WsSession.DROPPED && sends < MAX_SENDS);
			assertThat(status).as("send past the cap").isEqualTo(WsSession.DROPPED);
			long capped = steadyBufferedAmount(session);
			// A send is accepted while at most the cap is buffered, so the buffer ends
			// within one frame past it.
			assertThat(capped).isGreaterThan(CAP - FRAME).isLessThanOrEqualTo(CAP + FRAME);
			int zeros = 1;
			for (int i = 0; i < 100; i++) {
				if (session.sendBinary(CHUNK) == WsSession.DROPPED) {
					zeros++;
				}
			}
			// The kernel may still take a little now and then (a late window update),
			// letting a send in under the cap again; the cap itself must hold.
			assertThat(zeros - 1).as("sends dropped of 100 past the cap").isGreaterThanOrEqualTo(90);
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

			// Every send that answered 0 and every publish to the slow client is counted.
			double expectedDrops = droppedBefore + zeros + news.size();
			await().atMost(TIMEOUT).until(() -> slowConsumerDrops() >= expectedDrops);
			assertThat(slowConsumerDrops()).isEqualTo(expectedDrops);
			assertThat(session.bufferedAmount()).isLessThanOrEqualTo(CAP + FRAME);
			assertThat(log.lines()).singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("WsConnection[" + slow.id() + " /capped ")
				.contains("does not read: past 4x its backpressure limit");
		}
	}

	/**
	 * Sends until the socket below is full and the connection's own buffer holds the
	 * limit.
	 */
	private static void fillSocket(WsSession<?> session) {
		for (int sends = 0; sends < MAX_SENDS; sends++) {
			// A -1 can also come from a burst the kernel then takes whole; the steady
			// amount tells.
			if (session.sendBinary(CHUNK) == WsSession.BACKPRESSURE
					&& steadyBufferedAmount(session) + FRAME > SlowConsumerApplication.LIMIT) {
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

	private double slowConsumerDrops() {
		Counter counter = this.meters.find("wspubsub.dropped")
			.tags("endpoint", "/capped", "reason", WsMetricsListener.DROPPED_SLOW_CONSUMER)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
