package dev.wspubsub.hostile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The node hostile clients are pointed at: one endpoint with a 64KB backpressure limit
 * (so its hard cap is 256KB), a small pinned send buffer on accepted connections (so the
 * kernel takes little of what a client that stopped reading is sent), and a metrics
 * listener that counts what ws-pubsub drops and refuses.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ HostileApplication.Commands.class, HostileApplication.QuickIdle.class })
public class HostileApplication {

	/** The endpoint's {@code backpressure-limit}. */
	static final long LIMIT = 64 * 1024;

	@Bean
	NettyServerCustomizer smallSendBuffers() {
		return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 32 * 1024);
	}

	@Bean
	Counted counted() {
		return new Counted();
	}

	/** What the listener was told, by kind: {@code dropped:<reason>} and the like. */
	static final class Counted implements WsMetricsListener {

		private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

		@Override
		public void dropped(WsSession<?> session, String reason) {
			count("dropped:" + reason);
		}

		@Override
		public void topicRefused(@Nullable String path, String reason) {
			count("topic-refused:" + reason);
		}

		@Override
		public void upgradeRejected(String path, String reason) {
			count("rejected:" + reason);
		}

		void count(String what) {
			this.counts.computeIfAbsent(what, (key) -> new LongAdder()).increment();
		}

		long get(String what) {
			LongAdder count = this.counts.get(what);
			return (count != null) ? count.sum() : 0;
		}

	}

	/**
	 * Says {@code {"type":"hello","id":...}} on open, then takes text commands:
	 * {@code sub T}, {@code unsub T}, {@code subn T N} (topics T0 to T(N-1)),
	 * {@code pub T
	 * text}; anything else is echoed.
	 */
	@WsEndpoint(path = "/hostile", backpressureLimit = "64KB")
	static class Commands {

		@OnOpen
		Map<String, String> open(WsSession<?> ws) {
			return Map.of("type", "hello", "id", ws.id());
		}

		@OnMessage
		@Nullable String text(WsSession<?> ws, String text) {
			String[] parts = text.split(" ", 3);
			return switch (parts[0]) {
				case "sub" -> ws.subscribe(parts[1]) ? "subscribed " + parts[1] : "not subscribed " + parts[1];
				case "unsub" -> ws.unsubscribe(parts[1]) ? "unsubscribed " + parts[1] : "not unsubscribed " + parts[1];
				case "subn" -> {
					int subscribed = 0;
					for (int i = 0; i < Integer.parseInt(parts[2]); i++) {
						subscribed += ws.subscribe(parts[1] + i) ? 1 : 0;
					}
					yield "subscribed " + subscribed;
				}
				case "pub" -> {
					ws.publish(parts[1], parts[2]);
					yield null;
				}
				default -> text;
			};
		}

	}

	/** An endpoint whose idle timeout is one second. */
	@WsEndpoint(path = "/quick", idleTimeout = "1s")
	static class QuickIdle {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

}
