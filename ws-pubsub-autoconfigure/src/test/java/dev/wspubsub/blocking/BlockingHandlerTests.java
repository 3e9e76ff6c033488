package dev.wspubsub.blocking;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @OnMessage(blocking = true)} with {@code ws-pubsub.blocking.max-threads=2} and
 * {@code queue-capacity=1}: each thread has one call waiting behind it; a call past that
 * gets an error reply and its connection stays usable; one connection's calls run one at
 * a time, in order, even with threads to spare.
 */
@SpringBootTest(classes = BlockingApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "ws-pubsub.blocking.max-threads=2", "ws-pubsub.blocking.queue-capacity=1" })
class BlockingHandlerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String ERROR = "{\"type\":\"error\",\"error\":\"Server busy, retry later\"}";

	@LocalServerPort
	int port;

	@Autowired
	BlockingApplication.Calls calls;

	@BeforeEach
	void reset() {
		this.calls.reset();
	}

	@Test
	void pastOneWaitingCallPerThreadACallIsAnsweredWithAnErrorAndItsConnectionStaysUsable() {
		List<WsTestClient> clients = new ArrayList<>();
		ExpectedLog log = ExpectedLog.capture(Level.WARN, "blocking handlers are saturated");
		try {
			for (int i = 0; i < 6; i++) {
				clients.add(WsTestClient.builder(URI.create("ws://localhost:" + this.port + "/blocking"))
					.defaultTimeout(TIMEOUT)
					.connect());
			}
			// Both threads busy.
			clients.get(0).send("hold-0");
			clients.get(1).send("hold-1");
			await().atMost(TIMEOUT).until(() -> this.calls.started.size() == 2);
			// Four more calls: one waits behind each thread, two are refused.
			for (int i = 2; i < 6; i++) {
				clients.get(i).send("call-" + i);
			}
			await().atMost(TIMEOUT).until(() -> this.calls.received.get() == 6);
			List<List<String>> replies = new ArrayList<>();
			clients.subList(2, 6).forEach((client) -> replies.add(new ArrayList<>()));
			await().atMost(TIMEOUT).until(() -> {
				for (int i = 0; i < 4; i++) {
					replies.get(i).addAll(clients.get(i + 2).drain());
				}
				return replies.stream().filter((r) -> r.equals(List.of(ERROR))).count() == 2;
			});
			assertThat(this.calls.started).as("nothing else ran while the threads were held").hasSize(2);
			this.calls.gate.countDown();
			for (int i = 0; i < 2; i++) {
				assertThat(clients.get(i).awaitMessage()).isEqualTo("hold-" + i);
			}
			for (int i = 0; i < 4; i++) {
				if (replies.get(i).isEmpty()) {
					replies.get(i).add(clients.get(i + 2).awaitMessage());
				}
			}
			assertThat(replies).filteredOn((r) -> r.equals(List.of(ERROR))).hasSize(2);
			assertThat(replies).filteredOn((r) -> r.size() == 1 && r.get(0).startsWith("call-")).hasSize(2);
			// The refused clients are still connected and served.
			for (int i = 0; i < 4; i++) {
				if (replies.get(i).equals(List.of(ERROR))) {
					assertThat(clients.get(i + 2).sendAndAwait("again")).isEqualTo("again");
				}
			}
			// The two refusals may come on two loops at once: the one line counts both.
			assertThat(log.lines()).as("refusals are logged once a minute")
				.singleElement(as(InstanceOfAssertFactories.STRING))
				.containsPattern("refused [12] call\\(s\\)");
		}
		finally {
			log.close();
			this.calls.gate.countDown();
			clients.forEach(WsTestClient::close);
		}
	}

	@Test
	void oneConnectionsBlockingCallsRunOneAtATimeAndAreAnsweredInOrder() {
		List<String> texts = IntStream.range(0, 10).mapToObj((i) -> ((i % 2 == 0) ? "slow-" : "fast-") + i).toList();
		try (WsTestClient client = WsTestClient.builder(URI.create("ws://localhost:" + this.port + "/blocking"))
			.defaultTimeout(TIMEOUT)
			.connect()) {
			texts.forEach(client::send);
			assertThat(client.awaitMessages(texts.size(), TIMEOUT)).containsExactlyElementsOf(texts);
			assertThat(this.calls.started).containsExactlyElementsOf(texts);
			assertThat(this.calls.overlapped).as("two calls of one connection ran at once").isFalse();
		}
	}

}
