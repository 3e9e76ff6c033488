package dev.wspubsub.sending;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.wspubsub.WsSession;
import dev.wspubsub.test.Frame;
import dev.wspubsub.testapp.FlushCounter;
import dev.wspubsub.testapp.Messages.Greeting;
import dev.wspubsub.testapp.SemanticsTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code ws.send} and friends: what arrives, what they answer, and {@code ws.cork}. */
class SendTests extends SemanticsTestSupport {

	@Test
	void sendingAStringArrivesAsTextAndAnswersTheBytesWritten() {
		try (Connected c = open("/api")) {
			int written = c.session().send("hello");
			assertThat(written).isGreaterThanOrEqualTo("hello".length());
			assertThat(c.client().awaitMessage()).isEqualTo("hello");
		}
	}

	@Test
	void sendTextAndSendBinaryArriveAsTextAndBinary() {
		try (Connected c = open("/api")) {
			assertThat(c.session().sendText("text")).isPositive();
			assertThat(c.session().sendBinary(new byte[] { 1, 2, 3 })).isPositive();
			assertThat(c.client().awaitMessage()).isEqualTo("text");
			assertThat(c.client().awaitBinary()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void sendingBytesArrivesAsBinary() {
		try (Connected c = open("/api")) {
			assertThat(c.session().send(new byte[] { 4, 5 })).isPositive();
			assertThat(c.session().send(ByteBuffer.wrap(new byte[] { 6, 7 }))).isPositive();
			assertThat(c.client().awaitBinary()).containsExactly(4, 5);
			assertThat(c.client().awaitBinary()).containsExactly(6, 7);
			// Nothing else came of them: a text sent after them is the next text to
			// arrive.
			c.session().sendText("end");
			assertThat(c.client().awaitMessage()).isEqualTo("end");
		}
	}

	@Test
	void sendingAnObjectArrivesAsJsonText() {
		try (Connected c = open("/api")) {
			int written = c.session().send(new Greeting("greeting", "hi"));
			JsonNode json = c.client().awaitJson();
			assertThat(json.get("type").stringValue()).isEqualTo("greeting");
			assertThat(json.get("text").stringValue()).isEqualTo("hi");
			assertThat(written).isGreaterThanOrEqualTo(json.toString().length());
		}
	}

	@Test
	void sendWithCompressionArrivesIntactWhenTheClientDidNotNegotiateDeflate() {
		try (Connected c = open("/api")) {
			assertThat(c.session().send("squeeze me", true)).isPositive();
			assertThat(c.session().sendText("and me", true)).isPositive();
			assertThat(c.session().sendBinary(new byte[] { 9 }, true)).isPositive();
			assertThat(c.client().awaitMessages(2, TIMEOUT)).containsExactly("squeeze me", "and me");
			assertThat(c.client().awaitBinary()).containsExactly(9);
		}
	}

	@Test
	void sendAnswersZeroOnceTheConnectionIsClosed() {
		try (Connected c = open("/api")) {
			c.client().close();
			await().atMost(TIMEOUT).until(() -> c.session().readyState() == WsSession.CLOSED);
			assertThat(c.session().send("too late")).isEqualTo(WsSession.DROPPED);
			assertThat(c.session().sendText("too late")).isZero();
			assertThat(c.session().sendBinary(new byte[] { 1 })).isZero();
			assertThat(c.session().send(new Greeting("greeting", "too late"), true)).isZero();
		}
	}

	@Test
	void sendsFromAnotherThreadArriveInOrder() {
		try (Connected c = open("/api")) {
			List<String> expected = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				expected.add("m" + i);
				assertThat(c.session().sendText("m" + i)).isPositive();
			}
			assertThat(c.client().awaitMessages(200, TIMEOUT)).isEqualTo(expected);
		}
	}

	@Test
	void sendsFromAnotherThreadInsideACorkGoOutInOneFlushAtItsEnd() {
		try (Connected c = open("/api")) {
			FlushCounter counter = FlushCounter.attach(c.session());
			// Outside a cork, each send goes out on its own once the event loop has had a
			// turn.
			sendThree(c.session(), counter, "alone-");
			assertThat(c.client().awaitMessages(3, TIMEOUT)).containsExactly("alone-0", "alone-1", "alone-2");
			assertThat(counter.flushes()).as("flushes of three uncorked sends").isEqualTo(3);
			// Inside one, the same sends with the same turns in between go out together
			// when it ends.
			c.session().cork(() -> sendThree(c.session(), counter, "corked-"));
			assertThat(c.client().awaitMessages(3, TIMEOUT)).containsExactly("corked-0", "corked-1", "corked-2");
			assertThat(counter.flushes()).as("flushes after three more sends inside one cork").isEqualTo(4);
		}
	}

	@Test
	void aPingInsideACorkGoesOutInOrderInTheSameFlushAsTheMessagesAroundIt() {
		try (RawConnected c = openRaw("/api")) {
			FlushCounter counter = FlushCounter.attach(c.session());
			c.session().cork(() -> {
				c.session().sendText("before");
				counter.letTheEventLoopRun();
				c.session().ping("inside".getBytes(StandardCharsets.UTF_8));
				counter.letTheEventLoopRun();
				c.session().sendText("after");
			});
			assertThat(c.raw().readFrame(TIMEOUT).text()).isEqualTo("before");
			Frame ping = c.raw().readFrame(TIMEOUT);
			assertThat(ping.opcode()).isEqualTo(Frame.PING);
			assertThat(new String(ping.payload(), StandardCharsets.UTF_8)).isEqualTo("inside");
			assertThat(c.raw().readFrame(TIMEOUT).text()).isEqualTo("after");
			assertThat(counter.flushes()).as("flushes of a cork holding two messages and a ping").isEqualTo(1);
		}
	}

	/**
	 * Three sends with a turn of the event loop after each, which would flush an uncorked
	 * write.
	 */
	private static void sendThree(WsSession<?> session, FlushCounter counter, String prefix) {
		for (int i = 0; i < 3; i++) {
			assertThat(session.sendText(prefix + i)).isPositive();
			counter.letTheEventLoopRun();
		}
	}

}
