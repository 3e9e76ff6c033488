package dev.wspubsub.internal.history;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.WsServer;
import dev.wspubsub.test.WsTestClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One {@link HistoryApplication} node on port 0 with the given properties. */
final class HistoryNode implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private HistoryNode(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	static HistoryNode start(Map<String, String> properties) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("server.port", "0");
		all.putAll(properties);
		SpringApplication application = new SpringApplication(HistoryApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(all);
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		return new HistoryNode(application.run());
	}

	WsTestClient connect() {
		return WsTestClient.builder(URI.create("ws://localhost:" + this.port + "/history"))
			.defaultTimeout(Duration.ofSeconds(10))
			.connect();
	}

	WsServer server() {
		return this.context.getBean(WsServer.class);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	int port() {
		return this.port;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
