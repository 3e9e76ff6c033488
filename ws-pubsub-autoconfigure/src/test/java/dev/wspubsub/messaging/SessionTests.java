package dev.wspubsub.messaging;

import java.net.InetSocketAddress;
import java.util.Map;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.CloseStatus;
import dev.wspubsub.test.Frame;
import dev.wspubsub.testapp.FlushCounter;
import dev.wspubsub.testapp.Messages.Closed;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A session's identity, data, state, and how it closes. */
class SessionTests extends SemanticsTestSupport {

	@Test
	void closeWithCodeAndReasonReachesTheClientAndOnClose() {
		try (Connected c = open("/api")) {
			c.session().close(4001, "see you");
			CloseStatus status = c.client().awaitClose();
			assertThat(status.code()).isEqualTo(4001);
			assertThat(status.reason()).isEqualTo("see you");
			assertThat(this.events.awaitClose(c.id())).isEqualTo(new Closed(4001, "see you", WsSession.CLOSED));
		}
	}

	@Test
	void closeWithoutArgumentsClosesNormally() {
		try (Connected c = open("/api")) {
			c.session().close();
			assertThat(c.client().awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
			assertThat(this.events.awaitClose(c.id()).code()).isEqualTo(CloseCodes.NORMAL);
		}
	}

	@Test
	void terminateDropsTheConnectionWithoutACloseFrame() {
		try (Connected c = open("/api")) {
			c.session().terminate();
			assertThat(c.client().awaitClose().code()).isEqualTo(CloseStatus.ABNORMAL);
			assertThat(this.events.awaitClose(c.id()).code()).isEqualTo(CloseCodes.ABNORMAL);
			assertThat(c.session().readyState()).isEqualTo(WsSession.CLOSED);
		}
	}

	@Test
	void theClientsCloseCodeAndReasonReachOnClose() {
		try (Connected c = open("/api")) {
			c.client().close(4002, "client leaves");
			assertThat(this.events.awaitClose(c.id())).isEqualTo(new Closed(4002, "client leaves", WsSession.CLOSED));
		}
	}

	@Test
	void aDroppedClientIsReportedToOnCloseAs1006() {
		try (Connected c = open("/api")) {
			c.client().abort();
			assertThat(this.events.awaitClose(c.id()).code()).isEqualTo(CloseCodes.ABNORMAL);
		}
	}

	@Test
	void readyStateGoesFromOpenToClosingToClosed() {
		try (RawConnected c = openRaw("/api")) {
			assertThat(c.session().readyState()).isEqualTo(WsSession.OPEN);
			c.session().close(CloseCodes.NORMAL, "done");
			// The raw client has not answered the close frame yet.
			await().atMost(TIMEOUT).until(() -> c.session().readyState() == WsSession.CLOSING);
			Frame close = c.raw().awaitClose(TIMEOUT);
			assertThat(close.closeCode()).isEqualTo(CloseCodes.NORMAL);
			assertThat(close.closeReason()).isEqualTo("done");
			assertThat(this.events.hasClosed(c.id())).isFalse();
			c.raw().sendClose(CloseCodes.NORMAL, "");
			await().atMost(TIMEOUT).until(() -> c.session().readyState() == WsSession.CLOSED);
			assertThat(this.events.awaitClose(c.id()).readyState()).isEqualTo(WsSession.CLOSED);
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void dataCanBeReadAndReplaced() {
		try (Connected c = open("/api")) {
			WsSession<Object> ws = (WsSession<Object>) c.session();
			assertThat(ws.data()).isNull();
			ws.data(Map.of("nickname", "ann"));
			assertThat(ws.data()).isEqualTo(Map.of("nickname", "ann"));
			// The handlers see the same data.
			assertThat(c.client().sendJsonAndAwait(Map.of("type", "whoami")).get("value").get("nickname").stringValue())
				.isEqualTo("ann");
		}
	}

	@Test
	void eachSessionHasItsOwnIdAndKnowsItsPeerAndPath() {
		try (Connected a = open("/api"); Connected b = open("/api")) {
			assertThat(a.session().id()).isEqualTo(a.id()).isNotEqualTo(b.session().id());
			InetSocketAddress peer = a.session().remoteAddress();
			assertThat(peer.getAddress().isLoopbackAddress()).isTrue();
			assertThat(peer.getPort()).isPositive().isNotEqualTo(this.port);
			assertThat(b.session().remoteAddress().getPort()).isNotEqualTo(peer.getPort());
			assertThat(a.session().path()).isEqualTo("/api");
			assertThat(a.session().subprotocol()).isNull();
		}
	}

	@Test
	void withoutSecurityThereIsNoPrincipal() {
		try (Connected c = open("/api")) {
			assertThat(c.session().principal()).isNull();
		}
	}

	@Test
	void bufferedAmountCountsWhatTheClientHasNotTakenAndFallsToZeroOnceItReads() {
		try (RawConnected c = openRaw("/api")) {
			// What the opening sent may still be on its way out a moment after open.
			await().atMost(TIMEOUT).until(() -> c.session().bufferedAmount() == 0);
			int frames = 12;
			byte[] chunk = new byte[64 * 1024];
			long sent = 0;
			for (int i = 0; i < frames; i++) {
				sent += c.session().sendBinary(chunk);
			}
			// Netty's outbound buffer counts 96 bytes of bookkeeping per pending write
			// beside its bytes.
			long upper = sent + 96L * frames;
			// The client reads nothing: all but what the kernel's buffers took is still
			// buffered,
			assertThat(c.session().bufferedAmount()).isBetween(sent - 512 * 1024, upper);
			// also once the event loop has written and flushed it all to the channel.
			FlushCounter.attach(c.session()).letTheEventLoopRun();
			assertThat(c.session().bufferedAmount()).isBetween(sent - 512 * 1024, upper);
			for (int i = 0; i < frames; i++) {
				assertThat(c.raw().readFrame(TIMEOUT).payload()).hasSize(chunk.length);
			}
			await().atMost(TIMEOUT).until(() -> c.session().bufferedAmount() == 0);
		}
	}

}
