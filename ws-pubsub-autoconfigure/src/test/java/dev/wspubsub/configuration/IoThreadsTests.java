package dev.wspubsub.configuration;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wspubsub.test.WsTestClient;
import dev.wspubsub.testapp.IoThreadsApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ws-pubsub.io-threads} sets how many event loops serve the connections of a
 * running server: each new connection goes to the next loop in turn, so 8 connections
 * reach every loop of a few, and no more than there are. Reactor Netty's own default
 * would be at least 4. The loops end with the application. An application that gave Boot
 * loops of its own keeps them.
 */
class IoThreadsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int CONNECTIONS = 8;

	@Test
	void twoIoThreadsServeEveryConnection() {
		assertConnectionsServedBy(2);
	}

	@Test
	void threeIoThreadsServeEveryConnection() {
		assertConnectionsServedBy(3);
	}

	@Test
	void anApplicationsOwnReactorResourceFactoryKeepsItsLoops() {
		Set<Thread> threads = openConnections(Map.of("ws-pubsub.io-threads", 1), OwnLoops.class);
		assertThat(threads).isNotEmpty()
			.allSatisfy((thread) -> assertThat(thread.getName()).startsWith("webflux-http-"));
	}

	private static void assertConnectionsServedBy(int ioThreads) {
		Set<Thread> threads = openConnections(Map.of("ws-pubsub.io-threads", ioThreads));
		assertThat(threads).as("threads that ran @OnOpen of %d connections", CONNECTIONS)
			.hasSize(ioThreads)
			.allSatisfy((thread) -> assertThat(thread.getName()).startsWith("reactor-http-"));
		// Closing the application disposed of its loops: no thread outlives it.
		await().atMost(TIMEOUT).until(() -> threads.stream().noneMatch(Thread::isAlive));
	}

	/**
	 * Opens {@link #CONNECTIONS} connections to a new application, closes it, and answers
	 * their @OnOpen threads.
	 */
	private static Set<Thread> openConnections(Map<String, Object> properties, Class<?>... extraSources) {
		try (ConfigurableApplicationContext context = start(properties, extraSources)) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			List<WsTestClient> clients = new ArrayList<>();
			try {
				for (int i = 0; i < CONNECTIONS; i++) {
					WsTestClient client = WsTestClient.builder(URI.create("ws://localhost:" + port + "/thread"))
						.defaultTimeout(TIMEOUT)
						.connect();
					clients.add(client);
					assertThat(client.awaitMessage()).isEqualTo("opened");
				}
			}
			finally {
				clients.forEach(WsTestClient::close);
			}
			return new HashSet<>(context.getBean(IoThreadsApplication.OpenThreads.class).threads);
		}
	}

	private static ConfigurableApplicationContext start(Map<String, Object> properties, Class<?>... extraSources) {
		SpringApplication application = new SpringApplication(IoThreadsApplication.class);
		application.addPrimarySources(List.of(extraSources));
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		Map<String, Object> all = new LinkedHashMap<>(properties);
		all.put("server.port", "0");
		application.setDefaultProperties(all);
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		return application.run();
	}

	/** Loops of the application's own choosing (Spring's {@code webflux-http} ones). */
	@Configuration(proxyBeanMethods = false)
	static class OwnLoops {

		@Bean
		ReactorResourceFactory reactorServerResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		}

	}

}
