package dev.wspubsub.sample.chat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's browser client, {@code /ws-pubsub/client.js}, in headless Chromium
 * against the chat: its backoff and queue logic on their own, then request/reply, the
 * offline queue, resume, reconnect after the server was stopped and started again on the
 * same port, a dead connection, and in the JWT mode token refresh and the stop after an
 * authentication failure. The chat runs in this JVM, started and stopped by the tests;
 * the page drives the client through {@code page.evaluate}, and each wait is bounded.
 */
class BrowserClientTests {

	private static final String TOKEN_TTL = "4s";

	private static final String RECORDER = """
			async () => {
			  window.m = await import('/ws-pubsub/client.js');
			  window.record = (client) => {
			    const events = [];
			    for (const event of ['state', 'open', 'close', 'attempt', 'reconnect', 'drop', 'auth', '*']) {
			      client.on(event, (data) => events.push({ event, at: performance.now(),
			        data: JSON.parse(JSON.stringify(data ?? null)) }));
			    }
			    return events;
			  };
			}""";

	private static Chromium chromium;

	private static int openPort;

	private static ConfigurableApplicationContext open;

	private static ConfigurableApplicationContext jwt;

	private BrowserContext context;

	private Page page;

	@BeforeAll
	static void start() throws IOException {
		chromium = Chromium.launch();
		try (ServerSocket socket = new ServerSocket(0)) {
			openPort = socket.getLocalPort();
		}
		open = chat(openPort);
		jwt = chat(0, "chat.auth.jwt-secret=" + ChatJwtTests.SECRET, "chat.auth.token-ttl=" + TOKEN_TTL);
	}

	/**
	 * The chat, its heartbeat too rare to be seen in a test; properties as arguments,
	 * above application.yml.
	 */
	private static ConfigurableApplicationContext chat(int port, String... properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--chat.heartbeat.interval=1h"));
		Arrays.stream(properties).map((property) -> "--" + property).forEach(args::add);
		return new SpringApplicationBuilder(ChatApplication.class).bannerMode(Banner.Mode.OFF)
			.run(args.toArray(String[]::new));
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closeable : new AutoCloseable[] { open, jwt, chromium }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// the others still close
			}
		}
	}

	@AfterEach
	void closePage() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void backoffAndQueueLogic() {
		load(open);
		@SuppressWarnings("unchecked")
		Map<String, Object> result = (Map<String, Object>) this.page.evaluate("""
				() => {
				  const bounds = { baseMs: 250, maxMs: 10000 };
				  const samples = Array.from({ length: 2000 }, () => m.backoffDelay(4, bounds));
				  let now = 0;
				  const queue = new m.OfflineQueue({ max: 3, maxAgeMs: 1000 }, () => now);
				  const offers = ['a', 'b', 'c', 'd'].map((x) => queue.offer(x));
				  const first = queue.drain();
				  queue.offer('x');
				  now = 1600;
				  queue.offer('y');
				  now = 1700;
				  const second = queue.drain();
				  return {
				    ceilings: [0, 1, 2, 3, 4, 5, 6, 10, 100].map((attempt) => m.backoffCeiling(attempt, bounds)),
				    lowest: m.backoffDelay(3, bounds, () => 0),
				    highest: m.backoffDelay(3, bounds, () => 0.999999),
				    min: Math.min(...samples), max: Math.max(...samples),
				    belowHalf: samples.filter((delay) => delay < 2000).length,
				    offers, first, second, left: queue.size,
				    lifetime: m.tokenLifetimeMs('x.' + btoa(JSON.stringify({ iat: 100, exp: 160 })) + '.y'),
				  };
				}""");
		assertThat(result.get("ceilings")).isEqualTo(List.of(250, 500, 1000, 2000, 4000, 8000, 10000, 10000, 10000));
		assertThat(result.get("lowest")).isEqualTo(0);
		assertThat(result.get("highest")).isEqualTo(1999);
		// Full jitter: anywhere between 0 and the ceiling (4000 for the fifth attempt),
		// about half below 2000.
		assertThat(((Number) result.get("min")).intValue()).isBetween(0, 100);
		assertThat(((Number) result.get("max")).intValue()).isBetween(3900, 3999);
		assertThat(((Number) result.get("belowHalf")).intValue()).isBetween(800, 1200);
		assertThat(result.get("offers")).isEqualTo(List.of(true, true, true, false));
		assertThat(result.get("first")).isEqualTo(Map.of("fresh", List.of("a", "b", "c"), "expired", List.of()));
		assertThat(result.get("second")).isEqualTo(Map.of("fresh", List.of("y"), "expired", List.of("x")));
		assertThat(result.get("left")).isEqualTo(0);
		assertThat(result.get("lifetime")).isEqualTo(60000);
	}

	@Test
	void requestsAreAnsweredTimeOutOrFailWithTheErrorReply() {
		load(open);
		connect("/ws?username=rita", "{}");
		@SuppressWarnings("unchecked")
		Map<String, Object> result = (Map<String, Object>) this.page.evaluate("""
				async () => {
				  const result = {};
				  result.rooms = await c.request({ type: 'get_rooms' });
				  const started = performance.now();
				  try {
				    await c.request({ type: 'pong' }, { timeout: 300 });
				  }
				  catch (error) {
				    result.timeout = { code: error.code, after: performance.now() - started };
				  }
				  try {
				    await c.request({ type: 'join_room', room: 'no way' });
				  }
				  catch (error) {
				    result.error = { code: error.code, message: error.message, id: error.reply.id };
				  }
				  result.joined = await c.request({ type: 'join_room', room: 'requests' });
				  result.left = await c.request({ type: 'leave_room', room: 'requests' });
				  return result;
				}""");
		// Ids nobody else can guess: a message another client gets published cannot carry
		// one and settle this client's request.
		Map<?, ?> rooms = (Map<?, ?>) result.get("rooms");
		assertThat(String.valueOf(rooms.get("id"))).matches("r1-[0-9a-f]{32}");
		String nonce = String.valueOf(rooms.get("id")).substring(3);
		assertThat(rooms).isEqualTo(Map.of("type", "room_list", "rooms", List.of(), "id", "r1-" + nonce));
		Map<?, ?> timeout = (Map<?, ?>) result.get("timeout");
		assertThat(timeout.get("code")).isEqualTo("timeout");
		assertThat(((Number) timeout.get("after")).doubleValue()).isBetween(290.0, 2000.0);
		assertThat(result.get("error")).isEqualTo(Map.of("code", "error", "message",
				"room: must be 1 to 64 letters, digits, - or _", "id", "r3-" + nonce));
		Map<?, ?> joined = (Map<?, ?>) result.get("joined");
		assertThat(joined.get("type")).isEqualTo("room_joined");
		assertThat(joined.get("id")).isEqualTo("r4-" + nonce);
		assertThat(result.get("left")).isEqualTo(Map.of("type", "room_left", "room", "requests", "id", "r5-" + nonce));
	}

	@Test
	void whatIsSentWhileAwayIsDeliveredAfterTheRejoinWhichResumesWithTheMissedMessages() {
		load(open);
		connect("/ws?username=quinn", "{ reconnect: { baseMs: 100, maxMs: 500 } }");
		this.page.evaluate(
				"""
						() => {
						  window.got = [];
						  c.on('open', () => c.send({ type: 'join_room', room: 'away', since: c.position('away') }));
						  c.on('room_joined', (msg) => got.push(`joined ${msg.recovered} [${msg.history.map((chat) => chat.text)}]`));
						  c.on('chat', (msg) => got.push(msg.text));
						  c.request({ type: 'join_room', room: 'away' });
						}""");
		waitFor("got.length === 1");
		try (WsTestClient observer = WsTestClient
			.connect(URI.create("ws://localhost:" + openPort + "/ws?username=oscar"))) {
			ChatClients.join(observer, "away");
			say(observer, "before");
			waitFor("got.includes('before')");

			this.context.setOffline(true);
			sessionsOf(open, "quinn").forEach(WsSession::terminate);
			waitFor("c.state === 'reconnecting'");
			say(observer, "missed 1");
			say(observer, "missed 2");
			assertThat(this.page.evaluate("() => [c.send({ type: 'chat', room: 'away', text: 'queued 1' }),"
					+ " c.send({ type: 'chat', room: 'away', text: 'queued 2' })]"))
				.isEqualTo(List.of(true, true));
			this.context.setOffline(false);

			waitFor("got.includes('queued 2')");
			assertThat(this.page.evaluate("got")).isEqualTo(
					List.of("joined false []", "before", "joined true [missed 1,missed 2]", "queued 1", "queued 2"));
			assertThat(observer.awaitType("chat").path("text").asString()).isEqualTo("queued 1");
			assertThat(observer.awaitType("chat").path("text").asString()).isEqualTo("queued 2");
		}
	}

	@Test
	void theClientReconnectsWithinTheBackoffBoundsWhenTheServerIsBackOnItsPort() {
		load(open);
		connect("/ws?username=stan", "{ reconnect: { baseMs: 200, maxMs: 1000 } }");
		open.close();
		// Five backoff waits after the one that follows the stop's 1012.
		waitFor("events.filter((e) => e.event === 'reconnect' && e.data.code !== 1012).length >= 5");
		open = chat(openPort);
		waitFor("c.state === 'open' && events.filter((e) => e.event === 'open').length === 2");

		@SuppressWarnings("unchecked")
		List<Map<String, Object>> waits = (List<Map<String, Object>>) this.page.evaluate("""
				() => events.flatMap((event, i) => {
				  // The first follows the stop's 1012, whose wait RestartBrowserTests checks.
				  if (event.event !== 'reconnect' || event.data.code === 1012) {
				    return [];
				  }
				  const next = events.slice(i).find((later) => later.event === 'attempt');
				  return [{ ...event.data, observed: next.at - event.at }];
				})""");
		assertThat(waits).hasSizeGreaterThanOrEqualTo(5);
		for (Map<String, Object> wait : waits) {
			int attempt = ((Number) wait.get("attempt")).intValue();
			double delay = ((Number) wait.get("delayMs")).doubleValue();
			double observed = ((Number) wait.get("observed")).doubleValue();
			assertThat(((Number) wait.get("ceilingMs")).intValue()).as("ceiling of %s", wait)
				.isEqualTo(Math.min(1000, 200 << attempt));
			assertThat(delay).as("delay of %s", wait).isBetween(0.0, Math.min(1000, 200 << attempt) - 1.0);
			assertThat(observed).as("observed wait of %s", wait).isBetween(delay - 5, delay + 500);
		}
		assertThat(waits.get(0).get("attempt")).isEqualTo(1);
		assertThat(this.page.evaluate("c.request({ type: 'get_rooms' }).then((reply) => reply.type)"))
			.isEqualTo("room_list");
	}

	@Test
	void aConnectionWithoutTrafficIsReplaced() {
		load(open);
		connect("/ws?username=dora", "{ deadAfterMs: 1000, reconnect: { baseMs: 50, maxMs: 100 } }");
		waitFor("events.filter((e) => e.event === 'open').length === 2");
		assertThat(this.page.evaluate("events.find((e) => e.event === 'close').data.code")).isEqualTo(4000);
	}

	@Test
	void inTheJwtModeTheTokenIsRefreshedBeforeItExpires() {
		load(jwt);
		connect("/ws", """
				{ getToken: async () => {
				    window.tokens = (window.tokens ?? 0) + 1;
				    const response = await fetch('/api/token', { method: 'POST',
				      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'tess' }) });
				    return response.json();
				  } }""");
		// Three tokens of 4 seconds, each asked for at three quarters of the previous
		// one's life: past the first's expiry.
		waitFor("window.tokens >= 3 && events.filter((e) => e.event === 'auth').length >= 2");
		assertThat(this.page.evaluate("events.filter((e) => e.event === 'auth').map((e) => e.data.type)"))
			.isEqualTo(List.of("auth_ok", "auth_ok"));
		assertThat(this.page.evaluate("[c.state, events.filter((e) => e.event === 'attempt').length]"))
			.isEqualTo(List.of("open", 1));
		assertThat(sessionsOf(jwt, "tess")).hasSize(1);
	}

	@Test
	void inTheJwtModeAForgedTokenStopsTheClient() {
		load(jwt);
		connect("/ws", "{ token: 'not.a.token', reconnect: { baseMs: 50, maxMs: 100 } }", "closed");
		assertThat(this.page.evaluate("[c.closeReason.reason, c.closeReason.code]"))
			.isEqualTo(List.of("unauthorized", 401));
		assertThat(this.page.evaluate("events.filter((e) => e.event === 'attempt').length")).isEqualTo(1);
	}

	@Test
	void inTheJwtModeAnExpiredTokenWithoutRefreshStopsTheClient() {
		load(jwt);
		this.page.evaluate("""
				async () => {
				  const response = await fetch('/api/token', { method: 'POST',
				    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'ursula' }) });
				  window.token = (await response.json()).token;
				}""");
		connect("/ws", "{ token: window.token }");
		waitFor("c.state === 'closed'");
		assertThat(this.page.evaluate("[c.closeReason.reason, c.closeReason.code, c.closeReason.message]"))
			.isEqualTo(List.of("unauthorized", 1008, "token expired"));
		assertThat(this.page.evaluate("events.filter((e) => e.event === 'attempt').length")).isEqualTo(1);
	}

	private void load(ConfigurableApplicationContext chat) {
		this.context = chromium.browser().newContext();
		this.page = this.context.newPage();
		this.page.navigate("http://localhost:" + chat.getEnvironment().getProperty("local.server.port") + "/");
		this.page.evaluate(RECORDER);
	}

	private void connect(String url, String options) {
		connect(url, options, "open");
	}

	/**
	 * Connects the page's client {@code c}, its events recorded in {@code events}, and
	 * waits for {@code state}.
	 */
	private void connect(String url, String options, String state) {
		this.page.evaluate("(url) => { window.c = m.connect(url, " + options + "); window.events = record(c); }", url);
		waitFor("c.state === '" + state + "'");
	}

	private void waitFor(String condition) {
		try {
			this.page.waitForFunction("() => " + condition, null,
					new Page.WaitForFunctionOptions().setTimeout(Duration.ofSeconds(20).toMillis()));
		}
		catch (RuntimeException ex) {
			throw new AssertionError("Not within 20 s: " + condition + "; client events: "
					+ this.page.evaluate("JSON.stringify(window.events)"), ex);
		}
	}

	private static void say(WsTestClient client, String text) {
		client.sendJson(Map.of("type", "chat", "room", "away", "text", text));
		client.awaitType("chat");
	}

	private static List<WsSession<?>> sessionsOf(ConfigurableApplicationContext chat, String username) {
		return chat.getBean(WsServer.class)
			.sessions()
			.stream()
			.filter((ws) -> username.equals(((ChatUser) ws.data()).username()))
			.toList();
	}

}
