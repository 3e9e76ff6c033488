package dev.wspubsub.stomp;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import dev.wspubsub.CloseCodes;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.stereotype.Controller;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Controller methods run on the bounded blocking pool; a frame the full pool refuses was
 * not handled, so (STOMP 1.2, SEND) its client gets an ERROR saying so, with the receipt
 * it asked for, then a close with 1013 (try again later), while the frames the pool took
 * are all handled.
 */
@SpringBootTest(classes = { StompApplication.class, StompBusyPoolTests.Holding.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "ws-pubsub.stomp.endpoints=/stomp",
				"ws-pubsub.blocking.max-threads=1", "ws-pubsub.blocking.queue-capacity=1" })
class StompBusyPoolTests {

	@LocalServerPort
	int port;

	@Autowired
	Holding holding;

	@AfterEach
	void release() {
		this.holding.gate.countDown();
	}

	@Test
	void aFrameTheFullPoolRefusesGetsAnErrorWithItsReceiptThenACloseAndTheOthersAreHandled() {
		URI uri = URI.create("ws://localhost:" + this.port + "/stomp");
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "blocking handlers are saturated");
				RawStomp first = RawStomp.connected(uri);
				RawStomp second = RawStomp.connected(uri);
				RawStomp refused = RawStomp.connected(uri)) {
			first.send("SUBSCRIBE\nid:1\ndestination:/topic/held\nreceipt:s\n\n\0");
			assertThat(first.read().header("receipt-id")).isEqualTo("s");
			// The one thread is held, then the one place in its queue is taken.
			first.send("SEND\ndestination:/app/hold\n\nfirst\0");
			await().atMost(RawStomp.TIMEOUT).until(() -> this.holding.started.get() == 1);
			// Its receipt comes once the frame is queued.
			second.send("SEND\ndestination:/app/hold\nreceipt:q\n\nsecond\0");
			assertThat(second.read().header("receipt-id")).isEqualTo("q");
			refused.send("SEND\ndestination:/app/hold\nreceipt:r-1\n\nthird\0");
			RawStomp.Parsed error = refused.readErrorAndClose(CloseCodes.TRY_AGAIN_LATER);
			assertThat(error.header("receipt-id")).isEqualTo("r-1");
			assertThat(error.header("message")).isEqualTo("server busy, SEND not handled; retry later");
			this.holding.gate.countDown();
			assertThat(first.read().body()).isEqualTo("held first");
			assertThat(first.read().body()).isEqualTo("held second");
			assertThat(this.holding.started).hasValue(2);
			assertThat(log.lines()).as("refusals are logged once a minute")
				.singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("STOMP controllers")
				.contains("refused 1 call(s)");
		}
	}

	/** A controller method that holds its pool thread until the test lets it go. */
	@Controller
	static class Holding {

		final CountDownLatch gate = new CountDownLatch(1);

		final AtomicInteger started = new AtomicInteger();

		@MessageMapping("/hold")
		@SendTo("/topic/held")
		String hold(String text) throws InterruptedException {
			this.started.incrementAndGet();
			this.gate.await(30, TimeUnit.SECONDS);
			return "held " + text;
		}

	}

}
