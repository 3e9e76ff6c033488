package dev.wspubsub.testapp;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import io.netty.channel.ChannelOption;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * One endpoint with a 256KB backpressure limit, so its slow-consumer cap (4x) is 1MB, and
 * a small pinned send buffer on accepted connections, so the kernel takes little of what
 * a client that stopped reading is sent (see {@link SlowConsumerTests}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ Events.class, SlowConsumerApplication.Capped.class })
public class SlowConsumerApplication {

	/** The endpoint's {@code backpressure-limit}. */
	public static final long LIMIT = 256 * 1024;

	@Bean
	public NettyServerCustomizer smallSendBuffers() {
		return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 32 * 1024);
	}

	@WsEndpoint(path = "/capped", backpressureLimit = "256KB")
	public static class Capped extends RecordingEndpoint {

		Capped(Events events) {
			super(events);
		}

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

}
