package dev.wspubsub.sample.chat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser client after its server drained with 1012 "Service Restart": each
 * connection waits a random delay within the window the close reason names before it
 * reconnects, so the page's clients come back spread over that window, not together.
 */
class RestartBrowserTests {

	private static final int WINDOW_MILLIS = 1500;

	private static final int CLIENTS = 12;

	private Chromium chromium;

	private ConfigurableApplicationContext chat;

	private BrowserContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.chat != null) {
			this.chat.close();
		}
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void theWindowIsReadFromTheCloseReason() {
		Page page = page(start(0));
		@SuppressWarnings("unchecked")
		Map<String, Object> result = (Map<String, Object>) page.evaluate("""
				() => ({
				  named: m.restartWindow('Service Restart; reconnect within 2000 ms'),
				  unnamed: m.restartWindow(''),
				  lowest: m.restartDelay('Service Restart; reconnect within 2000 ms', () => 0),
				  highest: m.restartDelay('Service Restart; reconnect within 2000 ms', () => 0.999999),
				})""");
		assertThat(result).isEqualTo(Map.of("named", 2000, "unnamed", 5000, "lowest", 0, "highest", 1999));
	}

	@Test
	void afterAServiceRestartEachClientReconnectsAtARandomMomentWithinTheServersWindow() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Page page = page(start(port));
		page.evaluate("""
				(n) => {
				  window.clients = Array.from({ length: n }, (_, i) => {
				    const client = m.connect('/ws?username=r' + i, { reconnect: { baseMs: 100, maxMs: 200 } });
				    client.events = [];
				    for (const event of ['close', 'reconnect', 'attempt', 'open']) {
				      client.on(event, (data) => client.events.push({ event, at: performance.now(),
				        data: JSON.parse(JSON.stringify(data ?? null)) }));
				    }
				    return client;
				  });
				}""", CLIENTS);
		waitFor(page, "clients.every((c) => c.state === 'open')");

		this.chat.close();
		this.chat = start(port);

		waitFor(page, "clients.every((c) => c.events.filter((e) => e.event === 'open').length === 2)");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> waits = (List<Map<String, Object>>) page.evaluate("""
				() => clients.map((c) => {
				  const i = c.events.findIndex((e) => e.event === 'reconnect');
				  const next = c.events.slice(i).find((e) => e.event === 'attempt');
				  return { ...c.events[i].data, observed: next.at - c.events[i].at };
				})""");
		assertThat(waits).hasSize(CLIENTS);
		for (Map<String, Object> wait : waits) {
			assertThat(wait.get("code")).as("close of %s", wait).isEqualTo(1012);
			assertThat(wait.get("reason")).isEqualTo("Service Restart; reconnect within " + WINDOW_MILLIS + " ms");
			assertThat(wait.get("ceilingMs")).isEqualTo(WINDOW_MILLIS);
			double delay = ((Number) wait.get("delayMs")).doubleValue();
			assertThat(delay).as("delay of %s", wait).isBetween(0.0, WINDOW_MILLIS - 1.0);
			assertThat(((Number) wait.get("observed")).doubleValue()).as("observed wait of %s", wait)
				.isBetween(delay - 5, delay + 500);
		}
		// Random, not one delay for all: twelve draws from 1500 ms rarely collide.
		assertThat(waits.stream().map((wait) -> wait.get("delayMs")).distinct().count()).isGreaterThan(CLIENTS / 2);
	}

	private ConfigurableApplicationContext start(int port) {
		this.chat = new SpringApplicationBuilder(ChatApplication.class).bannerMode(Banner.Mode.OFF)
			.run("--server.port=" + port, "--chat.heartbeat.interval=1h",
					"--ws-pubsub.shutdown.reconnect-window=" + WINDOW_MILLIS + "ms");
		return this.chat;
	}

	private Page page(ConfigurableApplicationContext server) {
		if (this.chromium == null) {
			this.chromium = Chromium.launch();
		}
		this.context = this.chromium.browser().newContext();
		Page page = this.context.newPage();
		page.navigate("http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/");
		page.evaluate("async () => { window.m = await import('/ws-pubsub/client.js'); }");
		return page;
	}

	private static void waitFor(Page page, String condition) {
		page.waitForFunction("() => " + condition, null,
				new Page.WaitForFunctionOptions().setTimeout(Duration.ofSeconds(20).toMillis()));
	}

}
