package dev.wspubsub.sample.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard page in real headless Chromium (Debian's package), served by the app
 * itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dashboard.interval=300ms")
@Import(TestDashboardConfiguration.class)
class DashboardBrowserTests {

	private static final Path CHROMIUM = Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium"));

	private static Playwright playwright;

	private static Browser browser;

	@LocalServerPort
	int port;

	@Autowired
	SettableMetrics metrics;

	@BeforeAll
	static void launch() {
		assertThat(Files.isExecutable(CHROMIUM))
			.as("Chromium is needed for the browser tests: apt-get install -y chromium (or set -Dchromium.path)")
			.isTrue();
		playwright = Playwright.create();
		browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
				.setHeadless(true)
				.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
						"--disable-background-networking", "--disable-component-update", "--disable-sync")));
	}

	@AfterAll
	static void close() {
		if (browser != null) {
			browser.close();
		}
		if (playwright != null) {
			playwright.close();
		}
	}

	@AfterEach
	void normalCpu() {
		this.metrics.cpu(20);
	}

	@Test
	void liveChartsAlertsAndTheSseViewUpdate() throws Exception {
		Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1200, 900));
		page.navigate("http://localhost:" + this.port + "/");
		page.waitForSelector("#status[data-state=open]");

		String first = latestChartLabel(page);
		page.waitForFunction(
				"previous => { const l = window.dashboardCharts.usage.data.labels;"
						+ " return l.length > 0 && l[l.length - 1] !== previous; }",
				first, new Page.WaitForFunctionOptions().setTimeout(3000));

		this.metrics.cpu(96);
		page.waitForSelector("#alerts li.critical[data-metric=cpu]");
		assertThat(page.textContent("#alerts li.critical")).contains("cpu is 96.0%");

		Files.createDirectories(Paths.get("target/screenshots"));
		page.screenshot(
				new Page.ScreenshotOptions().setPath(Paths.get("target/screenshots/dashboard.png")).setFullPage(true));

		this.metrics.cpu(20);
		page.selectOption("#transport", "sse");
		page.waitForSelector("#status[data-state=open]");
		assertThat(page.textContent("#status")).contains("SSE");
		String before = page.textContent("#updated-value");
		page.waitForFunction("previous => document.getElementById('updated-value').textContent !== previous", before,
				new Page.WaitForFunctionOptions().setTimeout(3000));
		page.waitForSelector("#alerts li.critical",
				new Page.WaitForSelectorOptions().setState(WaitForSelectorState.DETACHED));
		page.close();
	}

	private static String latestChartLabel(Page page) {
		Object label = page.evaluate("() => { const l = window.dashboardCharts.usage.data.labels;"
				+ " return l.length ? l[l.length - 1] : ''; }");
		return String.valueOf(label);
	}

}
