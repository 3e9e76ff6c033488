package dev.wspubsub.internal.history;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * One node with {@link HistoryEndpoint}; its history rules come from each test's
 * properties.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(HistoryEndpoint.class)
class HistoryApplication {

	/**
	 * Event loops of this node's own, as a separate process would have: with Reactor
	 * Netty's global ones, stopping one node of a test would stop the others' servers
	 * too.
	 */
	@Bean
	ReactorResourceFactory reactorServerResourceFactory() {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		return factory;
	}

}
