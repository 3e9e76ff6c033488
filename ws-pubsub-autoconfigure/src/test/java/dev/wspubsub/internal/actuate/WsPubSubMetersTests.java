package dev.wspubsub.internal.actuate;

import java.lang.reflect.Proxy;

import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WsPubSubMetersTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final WsPubSubMeters meters = new WsPubSubMeters(this.registry);

	private final WsSession<?> chat = session("/chat");

	@Test
	void resumesAreCountedByEndpointAndOutcomeWithThePublicationsReplayed() {
		this.meters.resumed("/chat", true, 3);
		this.meters.resumed("/chat", true, 0);
		this.meters.resumed("/chat", false, 50);
		this.meters.resumed(null, false, 0);
		assertThat(this.registry.get("wspubsub.history.resumes")
			.tags("endpoint", "/chat", "outcome", "recovered")
			.counter()
			.count()).isEqualTo(2);
		assertThat(this.registry.get("wspubsub.history.resumes")
			.tags("endpoint", "/chat", "outcome", "not_recovered")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("wspubsub.history.replayed").tags("endpoint", "/chat").counter().count())
			.as("only what was recovered is replayed")
			.isEqualTo(3);
		assertThat(this.registry.get("wspubsub.history.resumes")
			.tags("endpoint", "sse", "outcome", "not_recovered")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void closeCodesAreTaggedByTheirClassNotTheirValue() {
		this.meters.connectionClosed(this.chat, 1000);
		this.meters.connectionClosed(this.chat, 1001);
		this.meters.connectionClosed(this.chat, 1005);
		this.meters.connectionClosed(this.chat, 1006);
		this.meters.connectionClosed(this.chat, 1009);
		this.meters.connectionClosed(this.chat, 4001);
		this.meters.connectionClosed(this.chat, 4999);
		assertThat(closed("normal")).isEqualTo(3);
		assertThat(closed("abnormal")).isEqualTo(1);
		assertThat(closed("error")).isEqualTo(1);
		assertThat(closed("application")).isEqualTo(2);
	}

	@Test
	void backpressureAndDropsAreCountedPerEndpointAndReason() {
		this.meters.backpressure(this.chat);
		this.meters.dropped(this.chat, WsMetricsListener.DROPPED_BACKPRESSURE_LIMIT);
		this.meters.dropped(this.chat, WsMetricsListener.DROPPED_CLOSED);
		this.meters.dropped(this.chat, WsMetricsListener.DROPPED_CLOSED);
		this.meters.dropped(session("/other"), WsMetricsListener.DROPPED_CLOSED);
		assertThat(this.registry.get("wspubsub.backpressure").tag("endpoint", "/chat").counter().count()).isEqualTo(1);
		assertThat(
				this.registry.get("wspubsub.dropped").tags("endpoint", "/chat", "reason", "closed").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.get("wspubsub.dropped")
			.tags("endpoint", "/chat", "reason", "backpressure-limit")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("wspubsub.dropped").tags("endpoint", "/other").counter().count()).isEqualTo(1);
	}

	@Test
	void aPublishIsOneCountAndOneFanoutSample() {
		this.meters.published(1000, 12);
		this.meters.published(0, 12);
		assertThat(this.registry.get("wspubsub.publishes").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("wspubsub.fanout.size").summary().count()).isEqualTo(2);
		assertThat(this.registry.get("wspubsub.fanout.size").summary().totalAmount()).isEqualTo(1000);
		assertThat(this.registry.get("wspubsub.fanout.size").summary().max()).isEqualTo(1000);
	}

	@Test
	void receivedMessagesAreSplitByTextAndBinary() {
		this.meters.messageReceived(this.chat, true, 5);
		this.meters.messageReceived(this.chat, false, 7);
		this.meters.messageReceived(this.chat, false, 1);
		assertThat(this.registry.get("wspubsub.messages.received").tags("type", "text").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("wspubsub.messages.received").tags("type", "binary").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.get("wspubsub.bytes.received").tags("type", "binary").counter().count()).isEqualTo(8);
	}

	private double closed(String outcome) {
		return this.registry.get("wspubsub.connections.closed")
			.tags("endpoint", "/chat", "outcome", outcome)
			.counter()
			.count();
	}

	/** A session that knows only its path, all the meters read. */
	private static WsSession<?> session(String path) {
		return (WsSession<?>) Proxy.newProxyInstance(WsPubSubMetersTests.class.getClassLoader(),
				new Class<?>[] { WsSession.class }, (proxy, method, args) -> switch (method.getName()) {
					case "path" -> path;
					case "toString" -> "session on " + path;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
