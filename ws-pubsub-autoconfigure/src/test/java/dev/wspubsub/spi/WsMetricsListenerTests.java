package dev.wspubsub.spi;

import java.util.ArrayList;
import java.util.List;

import dev.wspubsub.WsSession;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WsMetricsListenerTests {

	@Test
	void noListenersIsTheNoOpListenerAndOneIsItself() {
		WsMetricsListener one = new WsMetricsListener() {
		};
		assertThat(WsMetricsListener.of(List.of())).isSameAs(WsMetricsListener.NONE);
		assertThat(WsMetricsListener.of(List.of(one))).isSameAs(one);
	}

	@Test
	void aCompositeTellsEveryListenerInOrder() {
		List<String> calls = new ArrayList<>();
		WsMetricsListener composite = WsMetricsListener
			.of(List.of(new Recording("a", calls), new Recording("b", calls)));
		composite.upgradeRejected("/ws", WsMetricsListener.REJECTED_SHUTTING_DOWN);
		composite.published(3, 10);
		assertThat(calls).containsExactly("a rejected /ws shutting-down", "b rejected /ws shutting-down",
				"a published 3", "b published 3");
	}

	@Test
	void aCompositeEndsHandlerCallsInnermostFirstAndSkipsListenersThatDoNotObserve() {
		List<String> calls = new ArrayList<>();
		WsMetricsListener counting = new WsMetricsListener() {
		};
		WsMetricsListener composite = WsMetricsListener
			.of(List.of(new Recording("outer", calls), counting, new Recording("inner", calls)));
		WsMetricsListener.HandlerCall call = composite.handlerStarted(null, "chat");
		call.failed(new IllegalStateException());
		call.end();
		assertThat(calls).containsExactly("outer start chat", "inner start chat", "outer failed", "inner failed",
				"inner end", "outer end");
	}

	@Test
	void aCompositeWithOneObserverHandsItsCallOutUnwrapped() {
		List<String> calls = new ArrayList<>();
		Recording observer = new Recording("only", calls);
		WsMetricsListener composite = WsMetricsListener.of(List.of(new WsMetricsListener() {
		}, observer));
		assertThat(composite.handlerStarted(null, "open")).isSameAs(observer.call);
	}

	private static final class Recording implements WsMetricsListener {

		private final String name;

		private final List<String> calls;

		final HandlerCall call;

		Recording(String name, List<String> calls) {
			this.name = name;
			this.calls = calls;
			this.call = new HandlerCall() {

				@Override
				public void failed(Throwable error) {
					calls.add(name + " failed");
				}

				@Override
				public void end() {
					calls.add(name + " end");
				}
			};
		}

		@Override
		public void upgradeRejected(String path, String reason) {
			this.calls.add(this.name + " rejected " + path + " " + reason);
		}

		@Override
		public void published(int subscribers, int bytes) {
			this.calls.add(this.name + " published " + subscribers);
		}

		@Override
		public HandlerCall handlerStarted(WsSession<?> session, String messageType) {
			this.calls.add(this.name + " start " + messageType);
			return this.call;
		}

	}

}
