package dev.wspubsub.internal.transport;

import java.util.List;

import ch.qos.logback.classic.Level;
import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The send statuses and the backpressure accounting of one connection. */
class OutboundTests {

	private static final String KB = "x".repeat(1024);

	private EmbeddedConnection embedded;

	@AfterEach
	void close() {
		if (this.embedded != null) {
			this.embedded.close();
		}
	}

	@Test
	void aSendWithinTheLimitAnswersItsFrameLengthAndIsWrittenOnceTheBatchIsFlushed() {
		this.embedded = new EmbeddedConnection(1024 * 1024, false);
		int status = this.embedded.connection.sendText("hello");
		assertThat(status).isEqualTo(2 + 5); // a two-byte header and the text
		assertThat(this.embedded.connection.bufferedAmount()).isEqualTo(status);
		this.embedded.runLoop();
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.bytes(written)).isEqualTo(status);
			assertThat(this.embedded.connection.bufferedAmount()).isZero();
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void sendsPastTheLimitAnswerBackpressureAndAreStillWritten() {
		this.embedded = new EmbeddedConnection(4 * 1024, false);
		this.embedded.peerStopsReading();
		int backpressured = 0;
		for (int i = 0; i < 8; i++) {
			if (this.embedded.connection.sendText(KB) == WsSession.BACKPRESSURE) {
				backpressured++;
			}
		}
		// 1028-byte frames: the fourth fits under 4 KB, the fifth does not.
		assertThat(backpressured).isEqualTo(5);
		this.embedded.peerReadsAgain();
		this.embedded.runLoop();
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.bytes(written)).isEqualTo(8 * (4 + 1024));
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void pastFourTimesTheLimitSendsAreDropped() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "does not read: past")) {
			this.embedded = new EmbeddedConnection(2 * 1024, false);
			this.embedded.peerStopsReading();
			int dropped = 0;
			for (int i = 0; i < 20; i++) {
				if (this.embedded.connection.sendText(KB) == WsSession.DROPPED) {
					dropped++;
				}
			}
			assertThat(dropped).isPositive();
			assertThat(this.embedded.connection.bufferedAmount()).isLessThanOrEqualTo(4 * 2 * 1024 + 4 + 1024);
			assertThat(log.lines()).as("dropping logged once").hasSize(1);
		}
	}

	@Test
	void withCloseOnBackpressureTheSendOverTheLimitIsDroppedAndTheConnectionClosedWith1008() {
		this.embedded = new EmbeddedConnection(3 * 1024, true);
		this.embedded.peerStopsReading();
		assertThat(this.embedded.connection.sendText(KB)).isEqualTo(1028);
		assertThat(this.embedded.connection.sendText(KB)).isEqualTo(1028);
		assertThat(this.embedded.connection.sendText(KB)).isEqualTo(WsSession.DROPPED); // 3
																						// x
																						// 1028
																						// >
																						// 3
																						// KB
		assertThat(this.embedded.connection.readyState()).isEqualTo(WsSession.CLOSING);
		this.embedded.peerReadsAgain();
		this.embedded.runLoop();
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(CloseCodes.POLICY_VIOLATION);
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void aClosedConnectionDropsWhatIsSentToIt() {
		this.embedded = new EmbeddedConnection(1024 * 1024, false);
		this.embedded.connection.close(CloseCodes.NORMAL, "bye");
		assertThat(this.embedded.connection.sendText("late")).isEqualTo(WsSession.DROPPED);
		this.embedded.runLoop();
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(CloseCodes.NORMAL);
			assertThat(EmbeddedConnection.bytes(written)).isZero();
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

}
