package dev.wspubsub.sample.stomp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * The system's headless Chromium ({@code /usr/bin/chromium}, or {@code -Dchromium.path})
 * driven by Playwright, which never downloads a browser. Without Chromium the tests fail
 * and say so, unless the system property {@code skipBrowserTests} is set.
 */
final class Chromium implements AutoCloseable {

	private static final Path CHROMIUM = Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium"));

	private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

	private final Playwright playwright;

	private final Browser browser;

	private Chromium(Playwright playwright, Browser browser) {
		this.playwright = playwright;
		this.browser = browser;
	}

	static Chromium launch() {
		String skip = System.getProperty("skipBrowserTests");
		Assumptions.assumeTrue(skip == null || "false".equals(skip), "skipBrowserTests is set");
		if (!Files.isExecutable(CHROMIUM)) {
			fail("The browser tests need Chromium at " + CHROMIUM + ": install it (apt-get install chromium), point "
					+ "-Dchromium.path at it, or skip these tests with -DskipBrowserTests");
		}
		PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
		Playwright playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		Browser browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true).setArgs(ARGS));
		return new Chromium(playwright, browser);
	}

	Browser browser() {
		return this.browser;
	}

	@Override
	public void close() {
		this.browser.close();
		this.playwright.close();
	}

}
