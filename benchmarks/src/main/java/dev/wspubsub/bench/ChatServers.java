package dev.wspubsub.bench;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

/**
 * What every Spring chat server of the benchmark starts with: the port from {@code PORT}
 * (default 4001), the client count from {@code CLIENTS_COUNT} (default 16), no banner and
 * only the benchmark's own logging.
 */
public final class ChatServers {

	private ChatServers() {
	}

	/**
	 * Runs {@code application} as a {@code type} web application with the shared defaults
	 * and {@code more}.
	 */
	public static void run(Class<?> application, WebApplicationType type, Map<String, Object> more, String[] args) {
		SpringApplication app = new SpringApplication(application);
		app.setWebApplicationType(type);
		app.setBannerMode(Banner.Mode.OFF);
		Map<String, Object> properties = new HashMap<>(Map.of("server.port", "${PORT:4001}", "bench.clients-count",
				"${CLIENTS_COUNT:16}", "logging.level.root", "WARN", "logging.level.dev.wspubsub.bench", "INFO"));
		properties.putAll(more);
		app.setDefaultProperties(properties);
		app.run(args);
	}

}
