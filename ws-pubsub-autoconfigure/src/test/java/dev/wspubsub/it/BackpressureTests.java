package dev.wspubsub.it;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.Frame;
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

	/** Enough to fill generous loopback socket buffers many times over; a bound, not a target. */
	private static final int MAX_SENDS = 20_000;

	@Test
	void sendAnswersMinusOneOverTheLimitQueuesTheMessageAndOnDrainFiresWhenTheClientReadsAgain() {
		try (RawConnected c = openRaw("/slow-reader")) {
			int sends = 0;
			int status;
			do {
				status = c.session().sendBinary(CHUNK);
				sends++;
			}
			while (status > 0 && sends < MAX_SENDS);
			assertThat(status).isEqualTo(WsSession.BACKPRESSURE);
			assertThat(c.session().bufferedAmount()).isGreaterThan(0);
			assertThat(this.events.hasDrained(c.id())).isFalse();

			int binaryFrames = 0;
			Frame frame = c.raw().readFrame(TIMEOUT);
			while (frame.opcode() != Frame.TEXT && binaryFrames <= sends) {
				binaryFrames++;
				frame = c.raw().readFrame(TIMEOUT);
			}
			assertThat(frame.text()).isEqualTo("drained");
			assertThat(this.events.hasDrained(c.id())).isTrue();
			// The message that answered -1 was queued, not dropped.
			assertThat(binaryFrames).isEqualTo(sends);
			assertThat(c.session().readyState()).isEqualTo(WsSession.OPEN);
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
			assertThat(this.events.hasDrained(c.id())).isFalse();
		}
	}
}
