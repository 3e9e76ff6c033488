package dev.wspubsub.sample.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.LoadState;
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
		this.metrics.latency(3, 8, 12);
	}

	@Test
	void theP99LineStaysVisibleWhenItEqualsP95() {
		this.metrics.latency(50, 200, 200);
		Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1200, 900));
		page.navigate("http://localhost:" + this.port + "/");
		page.waitForSelector("#status[data-state=open]");
		page.waitForFunction(
				"() => window.dashboardCharts.latency.data.datasets[2].data.filter((v) => v === 200).length >= 3");
		// Both lines show, about as much of each: pixels of each colour inside the plot
		// area, the legend left out. Hidden, a line shows only its anti-aliased edges.
		int p99 = pixelsOf(page, 0xf8, 0x71, 0x71);
		int p95 = pixelsOf(page, 0xfb, 0xbf, 0x24);
		assertThat(p99).as("p99 pixels against p95's %s", p95).isGreaterThan(p95 / 2);
		assertThat(p95).as("p95 pixels against p99's %s", p99).isGreaterThan(p99 / 2);
		page.close();
	}

	@Test
	void onAPhoneTheNumbersCardTakesTheWholeWidth() {
		Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(390, 844).setIsMobile(true));
		page.navigate("http://localhost:" + this.port + "/");
		page.waitForSelector("#status[data-state=open]");
		double gauges = page.locator(".gauges").boundingBox().width;
		double numbers = page.locator(".numbers").boundingBox().width;
		assertThat(numbers).as("the numbers card's width of the gauges row's %s px", gauges)
			.isGreaterThan(gauges * 0.9);
		page.close();
	}

	@Test
	void aPageLoadAsksForNothingThatIsNotThere() {
		Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1200, 900));
		List<String> missing = new CopyOnWriteArrayList<>();
		List<String> requested = new CopyOnWriteArrayList<>();
		page.onRequest((request) -> requested.add(request.url()));
		page.onResponse((response) -> {
			if (response.status() >= 400) {
				missing.add(response.status() + " " + response.url());
			}
		});
		page.navigate("http://localhost:" + this.port + "/");
		page.waitForSelector("#status[data-state=open]");
		page.waitForLoadState(LoadState.NETWORKIDLE);
		assertThat(page.evaluate("() => document.querySelector('link[rel=icon]')?.href ?? ''").toString())
			.as("an icon the browser needs not ask the server for")
			.startsWith("data:image/");
		assertThat(requested).noneMatch((url) -> url.endsWith("/favicon.ico"));
		assertThat(missing).isEmpty();
		page.close();
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

	/** Pixels of the latency chart's plot area close to this colour. */
	private static int pixelsOf(Page page, int red, int green, int blue) {
		Object count = page.evaluate(
				"""
						([red, green, blue]) => {
						  const chart = window.dashboardCharts.latency;
						  const { left, top, right, bottom } = chart.chartArea;
						  const ratio = chart.currentDevicePixelRatio;
						  const pixels = chart.ctx.getImageData(left * ratio, top * ratio, (right - left) * ratio, (bottom - top) * ratio).data;
						  let count = 0;
						  for (let i = 0; i < pixels.length; i += 4) {
						    if (Math.abs(pixels[i] - red) < 16 && Math.abs(pixels[i + 1] - green) < 16 && Math.abs(pixels[i + 2] - blue) < 16) count++;
						  }
						  return count;
						}""",
				List.of(red, green, blue));
		return ((Number) count).intValue();
	}

	private static String latestChartLabel(Page page) {
		Object label = page.evaluate("() => { const l = window.dashboardCharts.usage.data.labels;"
				+ " return l.length ? l[l.length - 1] : ''; }");
		return String.valueOf(label);
	}

}
