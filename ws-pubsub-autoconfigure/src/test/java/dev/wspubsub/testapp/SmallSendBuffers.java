package dev.wspubsub.testapp;

import io.netty.channel.ChannelOption;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A small, fixed send buffer on accepted connections: otherwise the kernel's buffer
 * autotuning keeps absorbing data from a client that stopped reading, and backpressure
 * tests would race it (or measure the kernel rather than the configured limit).
 */
@Configuration(proxyBeanMethods = false)
public class SmallSendBuffers {

	/**
	 * The send buffer of each accepted connection; the kernel doubles it for its
	 * bookkeeping.
	 */
	static final int SEND_BUFFER = 32 * 1024;

	@Bean
	public NettyServerCustomizer smallSendBuffers() {
		return (server) -> server.childOption(ChannelOption.SO_SNDBUF, SEND_BUFFER);
	}

}
