package dev.wspubsub.it;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.WsSession;
import dev.wspubsub.it.Messages.Greeting;
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
			c.client().assertNoMessage(java.time.Duration.ZERO);
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
	void writesInsideCorkOnTheEventLoopAreFlushedTogetherAtItsEnd() {
		try (Connected c = open("/api")) {
			c.client().sendJson(java.util.Map.of("type", "cork", "count", 50));
			List<String> corked = c.client().awaitMessages(50, TIMEOUT);
			for (int i = 0; i < 50; i++) {
				assertThat(corked.get(i)).isEqualTo("corked-" + i);
			}
			JsonNode result = c.client().awaitType("cork").get("value");
			assertThat(result.get("written").longValue()).isPositive();
			// Had a write inside the cork been flushed, the bytes would have left the buffer already.
			assertThat(result.get("buffered").longValue()).isGreaterThanOrEqualTo(result.get("written").longValue());
		}
	}

	@Test
	void corkWorksFromAThreadOutsideTheEventLoop() {
		try (Connected c = open("/api")) {
			AtomicLong bufferedAtEnd = new AtomicLong(-1);
			AtomicLong written = new AtomicLong();
			c.session().cork(() -> {
				for (int i = 0; i < 30; i++) {
					written.addAndGet(c.session().sendText("off-loop-" + i));
				}
				bufferedAtEnd.set(c.session().bufferedAmount());
			});
			List<String> messages = c.client().awaitMessages(30, TIMEOUT);
			for (int i = 0; i < 30; i++) {
				assertThat(messages.get(i)).isEqualTo("off-loop-" + i);
			}
			assertThat(written.get()).isPositive();
			assertThat(bufferedAtEnd.get()).isGreaterThanOrEqualTo(written.get());
		}
	}
}
