package dev.wspubsub.sample.stomp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The greeting page on the {@code @stomp/stompjs} npm package (served as a WebJar by the
 * application) in real headless Chromium, driven by Playwright.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GreetingBrowserTests {

	private static Chromium chromium;

	private final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();

	private final List<String> errors = new CopyOnWriteArrayList<>();

	@LocalServerPort
	int port;

	@BeforeAll
	static void launchChromium() {
		chromium = Chromium.launch();
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
		assertThat(this.errors).as("errors in the pages' consoles").isEmpty();
	}

	@Test
	void aGreetingReachesEveryPageAndAWhisperOnlyItsSender() {
		Page ada = open();
		Page bob = open();
		connect(ada);
		connect(bob);

		ada.locator("#name").fill("Ada");
		ada.locator("#send").click();
		PlaywrightAssertions.assertThat(ada.locator("#greetings td")).hasText("Hello, Ada!");
		PlaywrightAssertions.assertThat(bob.locator("#greetings td")).hasText("Hello, Ada!");

		ada.locator("#whisper").click();
		PlaywrightAssertions.assertThat(ada.locator("#whispers td")).containsText("Psst, Ada: only session ");
		bob.locator("#name").fill("Bob");
		bob.locator("#whisper").click();
		// Bob's first whisper is his own: Ada's never reached him.
		PlaywrightAssertions.assertThat(bob.locator("#whispers td"))
			.hasText(java.util.regex.Pattern.compile("^Psst, Bob: .*"));
		PlaywrightAssertions.assertThat(ada.locator("#whispers td"))
			.hasCount(1, new LocatorAssertions.HasCountOptions());
	}

	@Test
	void disconnectingStopsTheGreetings() {
		Page ada = open();
		Page bob = open();
		connect(ada);
		connect(bob);
		bob.locator("#disconnect").click();
		PlaywrightAssertions.assertThat(bob.locator("#status")).hasText("disconnected");
		ada.locator("#name").fill("Ada");
		ada.locator("#send").click();
		PlaywrightAssertions.assertThat(ada.locator("#greetings td")).hasText("Hello, Ada!");
		connect(bob);
		ada.locator("#send").click();
		PlaywrightAssertions.assertThat(bob.locator("#greetings td")).hasText("Hello, Ada!");
	}

	private Page open() {
		BrowserContext context = chromium.browser().newContext();
		this.contexts.add(context);
		Page page = context.newPage();
		page.onConsoleMessage((message) -> {
			if ("error".equals(message.type())) {
				this.errors.add(message.text());
			}
		});
		page.onPageError(this.errors::add);
		page.navigate("http://localhost:" + this.port + "/");
		return page;
	}

	private static void connect(Page page) {
		page.locator("#connect").click();
		PlaywrightAssertions.assertThat(page.locator("#status")).hasText("connected");
		// Subscribed once CONNECTED is handled: the page subscribes in onConnect, before
		// any later frame, so a greeting sent after this reaches it.
	}

}
