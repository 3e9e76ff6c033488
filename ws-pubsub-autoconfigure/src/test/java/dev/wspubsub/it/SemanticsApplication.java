package dev.wspubsub.it;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import io.netty.channel.ChannelOption;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The application every semantics test runs against: all test endpoints in one context,
 * listed rather than scanned so other test applications stay out of it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ Events.class, TopicMethods.class, SlowUpgradeEndpoint.Gate.class, EchoEndpoint.class, ApiEndpoint.class,
		ByteBufferEndpoint.class, CustomErrorEndpoint.class, AsyncUpgradeEchoEndpoint.class, UpgradeEndpoint.class, SlowUpgradeEndpoint.class,
		LimitEndpoints.SmallPayload.class, LimitEndpoints.ShortIdle.class, LimitEndpoints.ShortIdleNoPings.class,
		LimitEndpoints.SlowReader.class, LimitEndpoints.StrictSlowReader.class, LimitEndpoints.PublishToSelf.class,
		LimitEndpoints.Deflate.class })
class SemanticsApplication {

	/**
	 * A small, fixed send buffer on accepted connections: otherwise the kernel's buffer
	 * autotuning keeps absorbing data from a client that stopped reading, and backpressure
	 * tests would race it.
	 */
	@Bean
	NettyServerCustomizer smallSendBuffers() {
		return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 32 * 1024);
	}
}
