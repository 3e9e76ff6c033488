package dev.wspubsub.sample.chat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.wspubsub.sample.chat.ChatBrowserTests.expect;
import static dev.wspubsub.sample.chat.ChatBrowserTests.say;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page in Chromium when a room's history restarts under it (Redis lost its keys,
 * so the gap cannot be repaired): the server's {@code room_reset} makes the page reload
 * the room, say that earlier messages are gone, and go on resuming from the new position,
 * so that a later drop costs it nothing.
 */
class RoomResetBrowserTests {

	private static final String ROOM = "resets";

	private TestRedis redis;

	private ConfigurableApplicationContext node;

	private Chromium chromium;

	private final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.contexts.forEach(BrowserContext::close);
		if (this.chromium != null) {
			this.chromium.close();
		}
		if (this.node != null) {
			this.node.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void onARoomResetThePageReloadsTheRoomAndKeepsResumingFromTheNewPosition() {
		this.redis = TestRedis.start();
		this.node = ChatNodes.start(this.redis);
		this.chromium = Chromium.launch();
		Frames annFrames = new Frames();
		Page ann = loginInto("Ann", annFrames);
		Page bob = loginInto("Bob", new Frames());
		say(bob, "one");
		say(bob, "two");
		expect(ann.locator("#messages .message .text")).hasText(new String[] { "one", "two" });

		this.redis.commands().flushall();
		say(bob, "after the reset");

		JsonNode reset = annFrames.awaitReceived(ann, "room_reset");
		assertThat(List.copyOf(reset.propertyNames())).containsExactly("type", "room", "epoch", "offset");
		assertThat(reset.get("room").asString()).isEqualTo(ROOM);
		assertThat(reset.get("offset").asLong()).isZero();
		String epoch = reset.get("epoch").asString();
		// The page asked for the room again, from its latest messages, and shows those
		// alone, saying what it lost.
		JsonNode reload = annFrames.awaitSent(ann, "join_room", 1);
		assertThat(reload.get("room").asString()).isEqualTo(ROOM);
		assertThat(reload.has("since")).as("%s", reload).isFalse();
		expect(ann.locator("#messages .message .text")).hasText(new String[] { "after the reset" });
		expect(ann.locator("#messages")).containsText("Earlier messages are not available");

		// Cut off while Bob chats: its rejoin resumes from the new epoch, and it gets
		// what
		// it missed once.
		ann.context().setOffline(true);
		this.node.getBean(WsServer.class)
			.sessions()
			.stream()
			.filter((ws) -> "Ann".equals(((ChatUser) ws.data()).username()))
			.forEach(WsSession::terminate);
		expect(ann.locator("#connection")).hasAttribute("data-state", "disconnected");
		say(bob, "while away");
		expect(bob.locator("#messages .message .text").last()).hasText("while away");
		ann.context().setOffline(false);
		JsonNode rejoin = annFrames.awaitSent(ann, "join_room", 2);
		assertThat(rejoin.get("since").get("epoch").asString()).isEqualTo(epoch);
		assertThat(rejoin.get("since").get("offset").asLong()).isEqualTo(1);
		expect(ann.locator("#messages .message .text")).hasText(new String[] { "after the reset", "while away" });
		say(bob, "live again");
		expect(ann.locator("#messages .message .text"))
			.hasText(new String[] { "after the reset", "while away", "live again" });
	}

	/** Logs {@code name} in and creates or joins the room. */
	private Page loginInto(String name, Frames frames) {
		Browser browser = this.chromium.browser();
		BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 700));
		this.contexts.add(context);
		Page page = context.newPage();
		page.onWebSocket((socket) -> {
			socket.onFrameReceived((frame) -> frames.received.add(String.valueOf(frame.text())));
			socket.onFrameSent((frame) -> frames.sent.add(String.valueOf(frame.text())));
		});
		page.navigate("http://localhost:" + ChatNodes.port(this.node) + "/");
		page.locator("#username").fill(name);
		page.getByText("Join chat").click();
		expect(page.locator("#connection")).hasText("Connected");
		page.locator("#room-name").fill(ROOM);
		page.locator("#room-form button").click();
		expect(page.locator("#conversation-title")).hasText("# " + ROOM);
		expect(page.locator("#message-input")).isEnabled();
		return page;
	}

	/** What a page's WebSockets sent and received, in order. */
	private static final class Frames {

		final List<String> sent = new CopyOnWriteArrayList<>();

		final List<String> received = new CopyOnWriteArrayList<>();

		/** The first received JSON message of {@code type}. */
		JsonNode awaitReceived(Page page, String type) {
			return await(page, this.received, type, 0);
		}

		/** The sent JSON message of {@code type} after {@code earlier} others of it. */
		JsonNode awaitSent(Page page, String type, int earlier) {
			return await(page, this.sent, type, earlier);
		}

		private static JsonNode await(Page page, List<String> frames, String type, int earlier) {
			JsonNode[] found = new JsonNode[1];
			try {
				waitFor(page, frames, type, earlier, found);
			}
			catch (RuntimeException ex) {
				throw new AssertionError("No " + type + " after " + earlier + " others in " + frames, ex);
			}
			return found[0];
		}

		private static void waitFor(Page page, List<String> frames, String type, int earlier, JsonNode[] found) {
			page.waitForCondition(() -> {
				List<JsonNode> ofType = frames.stream()
					.filter((text) -> text.startsWith("{"))
					.map((text) -> JsonMapper.shared().readTree(text))
					.filter((json) -> type.equals(json.path("type").asString("")))
					.toList();
				if (ofType.size() > earlier) {
					found[0] = ofType.get(earlier);
					return true;
				}
				return false;
			}, new Page.WaitForConditionOptions().setTimeout(40_000));
		}

	}

}
