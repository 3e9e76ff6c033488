package dev.wspubsub.internal.endpoint;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import dev.wspubsub.internal.transport.EmbeddedConnection;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection's messages stay in order around asynchronous handlers. */
class SequencerTests {

	private final EmbeddedConnection embedded = new EmbeddedConnection(1024 * 1024, false);

	private final WsConnection connection = this.embedded.connection();

	private final List<String> handled = new ArrayList<>();

	@AfterEach
	void close() {
		this.embedded.close();
	}

	@Test
	void withNoHandlerRunningAMessageIsHandledAtOnceWithoutASequencer() {
		Sequencer.submit(this.connection, () -> this.handled.add("a"));
		assertThat(this.handled).containsExactly("a");
		assertThat(this.connection.handlerState()).isNull();
	}

	@Test
	void messagesAfterAnAsynchronousHandlerWaitForItAndKeepTheirOrder() {
		Sequencer.submit(this.connection, () -> {
			this.handled.add("async");
			Sequencer.of(this.connection).begin();
		});
		Sequencer.submit(this.connection, () -> this.handled.add("b"));
		Sequencer.submit(this.connection, () -> this.handled.add("c"));
		assertThat(this.handled).containsExactly("async");
		Sequencer.of(this.connection).done();
		assertThat(this.handled).containsExactly("async", "b", "c");
	}

	@Test
	void aQueuedHandlerThatGoesAsynchronousHoldsTheRestAgain() {
		Sequencer.of(this.connection).begin();
		Sequencer.submit(this.connection, () -> {
			this.handled.add("second-async");
			Sequencer.of(this.connection).begin();
		});
		Sequencer.submit(this.connection, () -> this.handled.add("third"));
		Sequencer.of(this.connection).done();
		assertThat(this.handled).containsExactly("second-async");
		Sequencer.of(this.connection).done();
		assertThat(this.handled).containsExactly("second-async", "third");
	}

	@Test
	void aFailingQueuedMessageDoesNotStopTheOnesBehindIt() {
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "a queued message could not be handled")) {
			Sequencer.of(this.connection).begin();
			Sequencer.submit(this.connection, () -> {
				throw new IllegalStateException("boom");
			});
			Sequencer.submit(this.connection, () -> this.handled.add("after"));
			Sequencer.of(this.connection).done();
			assertThat(this.handled).containsExactly("after");
			assertThat(log.thrown()).map(Throwable::getMessage).containsExactly("boom");
		}
	}

	@Test
	void aLongQueueStopsReadingUntilItDrains() {
		Sequencer.of(this.connection).begin();
		for (int i = 0; i < 1000; i++) {
			int n = i;
			Sequencer.submit(this.connection, () -> this.handled.add(Integer.toString(n)));
		}
		assertThat(this.connection.channel().config().isAutoRead()).isFalse();
		Sequencer.of(this.connection).done();
		assertThat(this.handled).hasSize(1000).startsWith("0", "1").endsWith("999");
		assertThat(this.connection.channel().config().isAutoRead()).isTrue();
	}

}
