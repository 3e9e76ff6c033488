package dev.wspubsub.internal.endpoint;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * One endpoint whose blocking binary handler waits at a gate the test opens, so the
 * messages behind it queue in the connection's {@link Sequencer}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(HandlerQueueApplication.Gated.class)
class HandlerQueueApplication {

	@WsEndpoint("/gated")
	static class Gated {

		final CountDownLatch gate = new CountDownLatch(1);

		final AtomicInteger handled = new AtomicInteger();

		@OnOpen
		Map<String, String> open(WsSession<?> ws) {
			return Map.of("type", "hello", "id", ws.id());
		}

		@OnMessage(blocking = true)
		void binary(byte[] data) throws InterruptedException {
			// Bounded: a test that fails must not leave a thread behind for ever.
			this.gate.await(30, TimeUnit.SECONDS);
			this.handled.incrementAndGet();
		}

	}

}
