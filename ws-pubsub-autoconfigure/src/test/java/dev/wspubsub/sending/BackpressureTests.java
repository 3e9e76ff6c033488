package dev.wspubsub.sending;

import java.time.Duration;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.Frame;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code backpressure-limit}, {@code close-on-backpressure-limit} and {@code @OnDrain},
 * against a client that stops reading: the endpoints override the limit to 64KB, so the
 * socket buffers of the loopback fill first and then the connection's own buffer.
 */
class BackpressureTests extends SemanticsTestSupport {

	private static final byte[] CHUNK = new byte[16 * 1024];

	/** The endpoints' {@code test.small-buffer}. */
	private static final long LIMIT = 64 * 1024;

	/**
	 * Enough to fill generous loopback socket buffers many times over; a bound, not a
	 * target.
	 */
	private static final int MAX_SENDS = 20_000;

	@Test
	void sendAnswersMinusOneWhenTheClientStopsReadingQueuesTheMessageAndOnDrainFollows() {
		try (RawConnected c = openRaw("/slow-reader")) {
			int sends = 0;
			int status;
			// A -1 can also come from a burst the kernel then takes whole; go on until
			// the socket is full.
			do {
				status = c.session().sendBinary(CHUNK);
				sends++;
			}
			while (!(status == WsSession.BACKPRESSURE && staysBuffered(c.session())) && sends < MAX_SENDS);
			assertThat(status).isEqualTo(WsSession.BACKPRESSURE);
			int drainsBefore = this.events.drains(c.id());
			// The kernel may still take a little more, so the next send is queued (-1) or
			// written (> 0), never dropped.
			assertThat(c.session().sendBinary(CHUNK)).isNotZero();
			sends++;

			// Every message that answered -1 was queued, not dropped; the "drained" texts
			// are skipped.
			int binaryFrames = 0;
			for (int frames = 0; binaryFrames < sends && frames < 2 * sends; frames++) {
				if (c.raw().readFrame(TIMEOUT).opcode() == Frame.BINARY) {
					binaryFrames++;
				}
			}
			assertThat(binaryFrames).isEqualTo(sends);
			await().atMost(TIMEOUT).until(() -> this.events.drains(c.id()) > drainsBefore);
			assertThat(c.session().readyState()).isEqualTo(WsSession.OPEN);
		}
	}

	@Test
	void aBackpressuredSendFromAnotherThreadAlwaysEndsInOnDrain() {
		// Whether the kernel takes the burst or not, every -1 is followed by @OnDrain.
		try (Connected c = open("/slow-reader")) {
			int sends = 0;
			int status;
			do {
				status = c.session().sendBinary(CHUNK);
				sends++;
			}
			while (status != WsSession.BACKPRESSURE && sends < MAX_SENDS);
			assertThat(status).isEqualTo(WsSession.BACKPRESSURE);
			for (int i = 0; i < sends; i++) {
				c.client().awaitBinary();
			}
			assertThat(c.client().awaitMessage()).isEqualTo("drained");
		}
	}

	/**
	 * Whether the connection's own buffer stays over half the limit: the socket below
	 * took no more.
	 */
	private static boolean staysBuffered(WsSession<?> session) {
		try {
			await().atMost(Duration.ofSeconds(1))
				.pollInterval(Duration.ofMillis(10))
				// Full enough that the next send must answer -1 too, for 200 ms on end.
				.failFast(() -> session.bufferedAmount() + CHUNK.length + 4 <= LIMIT)
				.during(Duration.ofMillis(200))
				.until(() -> true);
			return true;
		}
		catch (TerminalFailureException ex) {
			return false;
		}
	}

	@Test
	void withCloseOnBackpressureLimitSendAnswersZeroAndTheConnectionCloses() {
		try (RawConnected c = openRaw("/strict-slow-reader")) {
			int sends = 0;
			int status;
			do {
				status = c.session().sendBinary(CHUNK);
				sends++;
			}
			while (status > 0 && sends < MAX_SENDS);
			assertThat(status).isEqualTo(WsSession.DROPPED);
			await().atMost(TIMEOUT).until(() -> c.session().readyState() != WsSession.OPEN);
			assertThat(c.session().sendText("after the limit")).isZero();

			Frame close = c.raw().awaitClose(TIMEOUT);
			assertThat(close.closeCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
			c.raw().sendClose(close.closeCode(), "");
			assertThat(this.events.awaitClose(c.id()).code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
			assertThat(this.events.drains(c.id())).isZero();
		}
	}

}
