package dev.wspubsub.sample.chat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.LoadState;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page in real headless Chromium (the system's {@code /usr/bin/chromium}, driven
 * by Playwright), served by the application itself. Without Chromium these tests fail,
 * unless the system property {@code skipBrowserTests} is set. The heartbeat is short so
 * that a page that did not answer the server's pings would be cut off, and reconnect,
 * during a test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "chat.heartbeat.interval=2s", "chat.heartbeat.timeout=5s" })
class ChatBrowserTests {

	private static final Path SCREENSHOTS = Paths.get("target", "screenshots");

	private static Chromium chromium;

	private static Browser browser;

	private final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();

	private final List<String> dialogs = new CopyOnWriteArrayList<>();

	/**
	 * Requests of the pages answered with an error status: the page asks only for what
	 * exists in its mode.
	 */
	private final List<String> failedRequests = new CopyOnWriteArrayList<>();

	/** How many WebSockets each page opened. */
	final Map<Page, AtomicInteger> sockets = new ConcurrentHashMap<>();

	@LocalServerPort
	int port;

	@Autowired
	WsServer server;

	@BeforeAll
	static void launchChromium() {
		chromium = Chromium.launch();
		browser = chromium.browser();
	}

	@AfterAll
	static void closeChromium() {
		if (chromium != null) {
			chromium.close();
		}
	}

	@AfterEach
	void closePages() {
		this.contexts.forEach(BrowserContext::close);
	}

	@Test
	void twoUsersChatBothWaysSeeEachOtherTypingAndOnline() {
		Page ann = login("Ann");
		Page bob = login("Bob");
		join(ann, "general");
		join(bob, "general");

		ann.locator("#message-input").pressSequentially("Hi Bob");
		expect(bob.locator("#typing")).hasText("Ann is typing…");
		ann.locator("#message-input").press("Enter");
		expectMessage(bob, "Ann", "Hi Bob");
		expect(bob.locator("#typing")).hasText("");
		expectMessage(ann, "Ann", "Hi Bob");

		bob.locator("#message-input").fill("Hello Ann, how are things?");
		bob.locator("#message-input").press("Enter");
		expectMessage(ann, "Bob", "Hello Ann, how are things?");

		expect(ann.locator("#users li")).hasCount(2);
		expect(ann.locator("#users li", new Page.LocatorOptions().setHasText("Bob"))).containsText("online");
		bob.locator("#status-select").selectOption("away");
		expect(ann.locator("#users li", new Page.LocatorOptions().setHasText("Bob"))).containsText("away");

		ann.locator("#users li", new Page.LocatorOptions().setHasText("Bob")).locator(".name").click();
		expect(ann.locator("#conversation-title")).hasText("Direct message with Bob");
		ann.locator("#message-input").fill("Just between us");
		ann.locator("#message-input").press("Enter");
		Locator annInBobsList = bob.locator("#users li", new Page.LocatorOptions().setHasText("Ann"));
		expect(annInBobsList.locator(".badge")).hasText("1");
		annInBobsList.locator(".name").click();
		expectMessage(bob, "Ann", "Just between us");

		ann.locator("#rooms li[data-room=general] .name").click();
		bob.locator("#rooms li[data-room=general] .name").click();
		bob.locator("#message-input").pressSequentially("Busy day");
		expect(ann.locator("#typing")).hasText("Bob is typing…");
		expect(ann.locator("#messages .message")).hasCount(2);
		screenshot(ann, "chat.png");
		ann.setViewportSize(390, 760);
		ann.locator("#menu-toggle").click();
		screenshot(ann, "chat-phone-menu.png");
		ann.locator("#rooms li[data-room=general] .name").click();
		screenshot(ann, "chat-phone.png");
		assertThat(this.dialogs).isEmpty();
		assertThat(this.failedRequests).isEmpty();
		// Heartbeats came every 2 seconds meanwhile: the page answered them and was never
		// cut off.
		assertThat(this.sockets.get(ann)).hasValue(1);
	}

	@Test
	void aPageThatLosesItsConnectionReconnectsRejoinsAndKeepsChatting() {
		List<Page> pages = talkingIn("tech", "Cleo", "Dan");
		Page ann = pages.get(0);
		Page bob = pages.get(1);

		// Cut every connection without a close handshake, as a network drop would.
		this.server.sessions().forEach(WsSession::terminate);
		for (Page page : List.of(ann, bob)) {
			page.waitForCondition(() -> this.sockets.get(page).get() >= 2);
		}
		expect(ann.locator("#connection")).hasText("Connected");
		expect(bob.locator("#connection")).hasText("Connected");
		expect(ann.locator("#users li")).hasCount(2);

		say(ann, "after the cut");
		// Her own copy comes back through the server first: then she sent it on the new
		// connection.
		expectMessage(ann, "Cleo", "after the cut");
		expectMessage(bob, "Cleo", "after the cut");
		say(bob, "still here");
		expectMessage(ann, "Dan", "still here");
		expect(ann.locator("#rooms li[data-room=tech]")).containsText("Leave");
	}

	@Test
	void aPageCutOffWhileOthersChatShowsEveryMissedMessageOnceInOrderWhenItIsBack() {
		List<Page> pages = talkingIn("night-shift", "Gina", "Hal");
		Page gina = pages.get(0);
		Page hal = pages.get(1);
		expectMessage(gina, "Gina", "before the cut");

		// Offline, so that it cannot come back, and its connection dropped without a
		// close handshake.
		gina.context().setOffline(true);
		this.server.sessions()
			.stream()
			.filter((ws) -> "Gina".equals(((ChatUser) ws.data()).username()))
			.forEach(WsSession::terminate);
		expect(gina.locator("#connection")).hasAttribute("data-state", "disconnected");

		// More than the 50 latest messages a join without a position gets.
		List<String> missed = IntStream.rangeClosed(1, 55).mapToObj((i) -> "while away " + i).toList();
		missed.forEach((text) -> say(hal, text));
		expect(hal.locator("#messages .message .text")).hasCount(1 + missed.size());
		assertThat(this.sockets.get(gina)).as("still cut off").hasValue(1);

		gina.context().setOffline(false);
		gina.waitForCondition(() -> this.sockets.get(gina).get() >= 2,
				new Page.WaitForConditionOptions().setTimeout(40_000));
		expect(gina.locator("#connection")).hasText("Connected");
		List<String> expected = new ArrayList<>(List.of("before the cut"));
		expected.addAll(missed);
		expect(gina.locator("#messages .message .text")).hasText(expected.toArray(String[]::new));

		say(hal, "and now live");
		expected.add("and now live");
		expect(gina.locator("#messages .message .text")).hasText(expected.toArray(String[]::new));
		expect(gina.locator("#rooms li[data-room=night-shift]")).containsText("Leave");
	}

	@Test
	void markupInAMessageIsShownAsText() {
		Page ann = loginInto("random", "Eve");
		Page bob = loginInto("random", "Finn");
		String attack = "<img src=x onerror=alert(1)>";
		say(ann, attack);
		expectMessage(bob, "Eve", attack);
		expectMessage(ann, "Eve", attack);
		for (Page page : List.of(ann, bob)) {
			assertThat(page.locator("#messages img").count()).isZero();
			assertThat(page.locator("img").count()).isZero();
		}
		assertThat(this.dialogs).isEmpty();
	}

	@Test
	void joiningARoomWithADirectMessageOpenMakesTheRoomTheConversation() {
		Page iris = login("Iris");
		Page jack = login("Jack");
		join(jack, "general");
		openDirectMessage(iris, "Jack");
		expect(iris.locator("#composer-target")).hasText("To Jack (direct message)");

		join(iris, "general");
		expect(iris.locator("#composer-target")).hasText("To # general");
		say(iris, "meant for the room");
		expectMessage(jack, "Iris", "meant for the room");
		expect(userIn(jack, "Iris").locator(".badge")).hasCount(0);

		openDirectMessage(iris, "Jack");
		iris.locator("#room-name").fill("side-room");
		iris.locator("#room-form button").click();
		expectIn(iris, "side-room");
		expect(iris.locator("#composer-target")).hasText("To # side-room");
	}

	@Test
	void aRejoinThatCannotResumeSaysEarlierMessagesAreNotAvailable() {
		List<Page> pages = talkingIn("lost-history", "Kai", "Lou");
		Page kai = pages.get(0);
		// As after a restart of a server that kept the history in memory: the room's
		// history is of another epoch than the page's last message.
		kai.evaluate("() => window.chatClient.positions.set('lost-history', { epoch: 'gone', offset: 1 })");
		terminate("Kai");
		kai.waitForCondition(() -> this.sockets.get(kai).get() >= 2);
		expect(kai.locator("#connection")).hasText("Connected");
		expect(kai.locator("#messages .system.notice"))
			.hasText("Earlier messages are not available: the server no longer has them.");
		say(pages.get(1), "after the loss");
		expectMessage(kai, "Lou", "after the loss");
	}

	@Test
	void aMessageWrittenOfflineIsShownAsWaitingUntilItIsSent() {
		List<Page> pages = talkingIn("patchy", "Mo", "Nia");
		Page mo = pages.get(0);
		mo.context().setOffline(true);
		terminate("Mo");
		expect(mo.locator("#connection")).hasAttribute("data-state", "disconnected");

		say(mo, "written offline");
		Locator waiting = mo.locator("#messages .message.pending");
		expect(waiting.locator(".text")).hasText("written offline");
		expect(waiting.locator(".state")).hasText("waiting for the connection…");

		mo.context().setOffline(false);
		expectMessage(pages.get(1), "Mo", "written offline");
		expect(waiting).hasCount(0);
		expect(mo.locator("#messages .message .text")).hasText(new String[] { "before the cut", "written offline" });
	}

	@Test
	void onAPhoneADirectMessageShowsOnTheMenuButtonAndTheHeaderShowsYourName() {
		Page olga = login("Olga");
		olga.setViewportSize(390, 760);
		expect(olga.locator("#me")).isVisible();
		expect(olga.locator("#me")).hasText("Olga");
		expect(olga.locator("#menu-unread")).isHidden();

		Page pete = login("Pete");
		openDirectMessage(pete, "Olga");
		say(pete, "psst");
		expect(olga.locator("#menu-unread")).isVisible();
		expect(olga.locator("#menu-unread")).hasText("1");

		olga.locator("#menu-toggle").click();
		userIn(olga, "Pete").locator(".name").click();
		expectMessage(olga, "Pete", "psst");
		expect(olga.locator("#menu-unread")).isHidden();
	}

	@Test
	void aReloadKeepsTheNameAndRoomsAndShowsWhatWasMissed() {
		List<Page> pages = talkingIn("reloaded", "Quinn", "Ray");
		Page quinn = pages.get(0);
		// Gone for good, so that what Ray says now is missed, then the tab reloads.
		quinn.evaluate("() => window.chatClient.close()");
		quinn.waitForCondition(() -> this.server.sessions()
			.stream()
			.noneMatch((ws) -> "Quinn".equals(((ChatUser) ws.data()).username())));
		say(pages.get(1), "while you reloaded");
		expect(pages.get(1).locator("#messages .message .text")).hasCount(2);

		quinn.reload();
		expect(quinn.locator("#connection")).hasText("Connected");
		expect(quinn.locator("#login")).isHidden();
		expect(quinn.locator("#me")).hasText("Quinn");
		expectIn(quinn, "reloaded");
		expect(quinn.locator("#messages .message .text"))
			.hasText(new String[] { "before the cut", "while you reloaded" });
		say(pages.get(1), "live again");
		expectMessage(quinn, "Ray", "live again");
		expect(quinn.locator("#messages .system.notice")).hasCount(0);
	}

	@Test
	void aNameOfSpacesAloneIsRefusedWithAReason() {
		BrowserContext context = browser.newContext();
		this.contexts.add(context);
		Page page = context.newPage();
		page.navigate("http://localhost:" + this.port + "/");
		page.locator("#username").fill("   ");
		page.getByText("Join chat").click();
		expect(page.locator("#login-error")).isVisible();
		expect(page.locator("#login-error")).containsText("spaces alone");
		expect(page.locator("#app")).isHidden();
		page.locator("#username").fill("Una");
		expect(page.locator("#login-error")).isHidden();
	}

	@Test
	void twoPeopleOfOneNameAreToldApart() {
		Page viv = login("Viv");
		login("Sam");
		login("Sam");
		Locator sams = viv.locator("#users li .name").filter(new Locator.FilterOptions().setHasText("Sam"));
		expect(sams).hasCount(2);
		List<String> names = sams.allTextContents();
		assertThat(names).allMatch((name) -> name.matches("Sam #[0-9a-f]{4}")).doesNotHaveDuplicates();
	}

	@Test
	void thePageAsksForNoIconThatIsNotThere() {
		BrowserContext context = browser.newContext();
		this.contexts.add(context);
		Page page = context.newPage();
		List<String> requested = new CopyOnWriteArrayList<>();
		page.onRequest((request) -> requested.add(request.url()));
		page.onResponse((response) -> {
			if (response.status() >= 400) {
				this.failedRequests.add(response.status() + " " + response.url());
			}
		});
		page.navigate("http://localhost:" + this.port + "/");
		page.waitForLoadState(LoadState.NETWORKIDLE);
		assertThat(page.evaluate("() => document.querySelector('link[rel=icon]')?.href ?? ''").toString())
			.as("an icon the browser needs not ask the server for")
			.startsWith("data:image/");
		assertThat(requested).noneMatch((url) -> url.endsWith("/favicon.ico"));
		assertThat(this.failedRequests).isEmpty();
	}

	private static void openDirectMessage(Page page, String name) {
		userIn(page, name).locator(".name").click();
		expect(page.locator("#conversation-title")).hasText("Direct message with " + name);
	}

	private static Locator userIn(Page page, String name) {
		return page.locator("#users li", new Page.LocatorOptions().setHasText(name));
	}

	/**
	 * Drops the user's connections without a close handshake, as a network drop would.
	 */
	private void terminate(String username) {
		this.server.sessions()
			.stream()
			.filter((ws) -> username.equals(((ChatUser) ws.data()).username()))
			.forEach(WsSession::terminate);
	}

	Page login(String name) {
		BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 700));
		this.contexts.add(context);
		Page page = context.newPage();
		AtomicInteger opened = new AtomicInteger();
		this.sockets.put(page, opened);
		page.onWebSocket((socket) -> opened.incrementAndGet());
		page.onResponse((response) -> {
			if (response.status() >= 400) {
				this.failedRequests.add(response.status() + " " + response.url());
			}
		});
		page.onDialog((dialog) -> {
			this.dialogs.add(dialog.message());
			dialog.dismiss();
		});
		page.navigate("http://localhost:" + this.port + "/");
		page.locator("#username").fill(name);
		page.getByText("Join chat").click();
		expect(page.locator("#connection")).hasText("Connected");
		expect(page.locator("#me")).hasText(name);
		return page;
	}

	/** Joins a room the page offers, with its button. */
	static void join(Page page, String room) {
		page.locator("#rooms li[data-room=" + room + "]").getByText("Join").click();
		expectIn(page, room);
	}

	/** Logs in and joins, or creates, a room by its name. */
	Page loginInto(String room, String name) {
		Page page = login(name);
		page.locator("#room-name").fill(room);
		page.locator("#room-form button").click();
		expectIn(page, room);
		return page;
	}

	/**
	 * Two users in a room, the first having said "before the cut" and the second having
	 * seen it.
	 */
	private List<Page> talkingIn(String room, String first, String second) {
		Page one = loginInto(room, first);
		Page other = loginInto(room, second);
		say(one, "before the cut");
		expectMessage(other, first, "before the cut");
		return List.of(one, other);
	}

	private static void expectIn(Page page, String room) {
		expect(page.locator("#conversation-title")).hasText("# " + room);
		expect(page.locator("#message-input")).isEnabled();
	}

	static void say(Page page, String text) {
		page.locator("#message-input").fill(text);
		page.locator("#composer button").click();
	}

	void expectMessage(Page page, String author, String text) {
		Locator message = page.locator("#messages .message")
			.filter(new Locator.FilterOptions().setHasText(text))
			.last();
		try {
			expect(message.locator(".author")).hasText(author);
			expect(message.locator(".text")).hasText(text);
		}
		catch (AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "\n" + describe(page), ex);
		}
	}

	/**
	 * What a failed expectation needs to be understood afterwards: the page's view and
	 * the server's sessions.
	 */
	private String describe(Page page) {
		return "page of " + page.locator("#me").textContent() + ": " + this.sockets.get(page) + " WebSocket(s) opened, "
				+ "connection '" + page.locator("#connection").textContent() + "', conversation '"
				+ page.locator("#conversation-title").textContent() + "', messages "
				+ page.locator("#messages li").allTextContents() + "; server sessions: "
				+ this.server.sessions()
					.stream()
					.map((ws) -> ((ChatUser) ws.data()).username() + " " + ws.subscriptions())
					.toList();
	}

	private static void screenshot(Page page, String name) {
		page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)));
	}

	static LocatorAssertions expect(Locator locator) {
		return PlaywrightAssertions.assertThat(locator);
	}

}
