package dev.wspubsub.internal.dispatch;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a handler returned, sent: nothing, one value, or a stream element by element whose
 * start comes before anything it sends and whose end is reported once.
 */
class ReplySenderTests {

	private final List<String> events = new ArrayList<>();

	private final ReplySender.Stream stream = new ReplySender.Stream() {

		@Override
		public void started() {
			ReplySenderTests.this.events.add("started");
		}

		@Override
		public void failed(Throwable error) {
			ReplySenderTests.this.events.add("failed " + error.getMessage());
		}

		@Override
		public void completed() {
			ReplySenderTests.this.events.add("completed");
		}

	};

	@Test
	void noResultSendsNothing() {
		assertThat(ReplySender.send(null, this::sent, this.stream)).isNull();
		assertThat(this.events).isEmpty();
	}

	@Test
	void aValueIsSentOnceAndNothingRunsOn() {
		assertThat(ReplySender.send("hello", this::sent, this.stream)).isNull();
		assertThat(this.events).containsExactly("sent hello");
	}

	@Test
	void aStreamSendsEachElementBetweenItsStartAndItsEnd() {
		Disposable running = ReplySender.send(Flux.just("a", "b"), this::sent, this.stream);
		assertThat(running).isNotNull();
		assertThat(this.events).containsExactly("started", "sent a", "sent b", "completed");
	}

	@Test
	void aStreamStillRunningIsReturnedAndReportsItsEndWhenItComes() {
		Sinks.Many<String> later = Sinks.many().unicast().onBackpressureBuffer();
		Disposable running = ReplySender.send(later.asFlux(), this::sent, this.stream);
		assertThat(running).isNotNull();
		assertThat(running.isDisposed()).isFalse();
		later.tryEmitNext("x");
		assertThat(this.events).containsExactly("started", "sent x");
		later.tryEmitComplete();
		assertThat(this.events).containsExactly("started", "sent x", "completed");
	}

	@Test
	void aFailingStreamReportsItsFailureAndNoCompletion() {
		ReplySender.send(Flux.concat(Mono.just("a"), Mono.error(new IllegalStateException("boom"))), this::sent,
				this.stream);
		assertThat(this.events).containsExactly("started", "sent a", "failed boom");
	}

	@Test
	void anElementThatCannotBeSentEndsTheStreamAsFailed() {
		ReplySender.send(Flux.just("a", "b"), (element) -> {
			throw new IllegalArgumentException("cannot send " + element);
		}, this.stream);
		assertThat(this.events).containsExactly("started", "failed cannot send a");
	}

	private void sent(Object value) {
		this.events.add("sent " + value);
	}

}
