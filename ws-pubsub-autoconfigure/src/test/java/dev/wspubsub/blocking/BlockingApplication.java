package dev.wspubsub.blocking;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.spi.WsMetricsListener;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * One endpoint whose handler is {@code blocking = true}, and what the tests observe of
 * its calls.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ BlockingApplication.Calls.class, BlockingApplication.BlockingEndpoint.class })
class BlockingApplication {

	/** What the handler saw; a gate that texts starting with {@code hold} wait on. */
	@Component
	static class Calls implements WsMetricsListener {

		static final Duration HOLD_LIMIT = Duration.ofSeconds(30);

		final List<String> started = new CopyOnWriteArrayList<>();

		final AtomicInteger received = new AtomicInteger();

		/**
		 * Connections with a call running, to see two calls of one connection overlap.
		 */
		final Set<String> running = ConcurrentHashMap.newKeySet();

		volatile boolean overlapped;

		volatile CountDownLatch gate = new CountDownLatch(1);

		void reset() {
			this.started.clear();
			this.received.set(0);
			this.overlapped = false;
			this.gate = new CountDownLatch(1);
		}

		@Override
		public void messageReceived(WsSession<?> session, boolean text, int bytes) {
			this.received.incrementAndGet();
		}

	}

	@WsEndpoint("/blocking")
	static class BlockingEndpoint {

		private final Calls calls;

		BlockingEndpoint(Calls calls) {
			this.calls = calls;
		}

		@OnMessage(blocking = true)
		String handle(WsSession<?> ws, String text) throws InterruptedException {
			if (!this.calls.running.add(ws.id())) {
				this.calls.overlapped = true;
			}
			try {
				this.calls.started.add(text);
				if (text.startsWith("hold")) {
					this.calls.gate.await(Calls.HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
				}
				else if (text.startsWith("slow")) {
					// Long enough for a wrongly parallel next call of this connection to
					// start and finish.
					Thread.sleep(200);
				}
				return text;
			}
			finally {
				this.calls.running.remove(ws.id());
			}
		}

	}

}
