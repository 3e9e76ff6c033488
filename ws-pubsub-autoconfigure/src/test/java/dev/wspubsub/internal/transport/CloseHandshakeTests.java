package dev.wspubsub.internal.transport;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The close state machine, OPEN → CLOSING → CLOSED (RFC 6455 §7). */
class CloseHandshakeTests {

	private final EmbeddedConnection embedded = new EmbeddedConnection(1024 * 1024, false);

	private final CloseHandshake closing = this.embedded.connection.closing();

	@AfterEach
	void close() {
		this.embedded.close();
	}

	@Test
	void anApplicationCloseSendsOneCloseFrameHoweverOftenItIsAsked() {
		this.closing.close(4000, "first");
		this.closing.close(4001, "second");
		this.closing.fail(CloseCodes.PROTOCOL_ERROR, "third");
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(4000);
			assertThat(this.closing.readyState()).isEqualTo(WsSession.CLOSING);
			assertThat(this.closing.code()).isEqualTo(4000);
			assertThat(this.closing.reason()).isEqualTo("first");
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void thePeersCloseIsEchoedWithItsCodeAndEndsTheConnection() {
		this.closing.peerClosed(CloseCodes.GOING_AWAY, "leaving");
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(CloseCodes.GOING_AWAY);
			assertThat(this.embedded.channel.isOpen()).isFalse();
			assertThat(this.closing.code()).isEqualTo(CloseCodes.GOING_AWAY);
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void aCloseWithoutABodyIsReportedAs1005AndAnsweredWithoutABody() {
		this.closing.peerClosed(-1, "");
		List<Object> written = this.embedded.written();
		try {
			assertThat(EmbeddedConnection.closeCodes(written)).containsExactly(-1);
			assertThat(this.closing.code()).isEqualTo(CloseCodes.NO_STATUS);
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void thePeersAnswerToOurCloseEndsTheConnectionWithTheCodeWeSent() {
		this.closing.close(CloseCodes.NORMAL, "done");
		assertThat(this.embedded.channel.isOpen()).isTrue();
		this.closing.peerClosed(CloseCodes.GOING_AWAY, "other");
		assertThat(this.embedded.channel.isOpen()).isFalse();
		this.closing.closed();
		assertThat(this.closing.readyState()).isEqualTo(WsSession.CLOSED);
		assertThat(this.closing.code()).isEqualTo(CloseCodes.NORMAL);
		assertThat(this.closing.reason()).isEqualTo("done");
	}

	@Test
	void aPeerThatNeverAnswersIsCutOffByTheTimer() {
		this.closing.close(CloseCodes.NORMAL, "");
		assertThat(this.embedded.channel.isOpen()).isTrue();
		this.embedded.channel.advanceTimeBy(3, TimeUnit.SECONDS);
		this.embedded.runLoop();
		assertThat(this.embedded.channel.isOpen()).isFalse();
	}

	@Test
	void aReasonLongerThanACloseFrameHoldsIsCutAtWholeCharacters() {
		this.closing.close(CloseCodes.NORMAL, "é".repeat(100)); // 200 bytes of UTF-8
		List<Object> written = this.embedded.written();
		try {
			CloseWebSocketFrame frame = (CloseWebSocketFrame) written.get(written.size() - 1);
			assertThat(frame.reasonText()).isEqualTo("é".repeat(61));
		}
		finally {
			EmbeddedConnection.release(written);
		}
	}

	@Test
	void onlyTheCodesAnEndpointMaySendAreValid() {
		assertThat(CloseHandshake.isValidCode(1000)).isTrue();
		assertThat(CloseHandshake.isValidCode(1014)).isTrue();
		assertThat(CloseHandshake.isValidCode(4999)).isTrue();
		assertThat(List.of(999, 1004, 1005, 1006, 1015, 2999, 5000)).noneMatch(CloseHandshake::isValidCode);
		assertThatIllegalArgumentException().isThrownBy(() -> this.embedded.connection.close(1006, ""));
	}

}
