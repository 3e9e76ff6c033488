package dev.wspubsub.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Two bar charts in one SVG, one per metric, grouped by scenario (e.g. client mode and
 * count) with one bar per server: the bar is the median over the runs, the black tick
 * across it the mean. Runs that produced no result are listed under the legend. Plain SVG
 * text, so no plotting library is needed to make it.
 */
final class SvgChart {

	private static final String[] COLOURS = { "#2b6cb0", "#d69e2e", "#38a169", "#c53030", "#6b46c1", "#718096" };

	private static final int PANEL_WIDTH = 460;

	private static final int PANEL_HEIGHT = 300;

	private static final int MARGIN = 60;

	private static final Map<String, String> TITLES = Map.of("median_msgs_per_s",
			"Delivered messages per second (higher is better)", "cpu_s_per_million",
			"Server CPU-seconds per million delivered messages (lower is better)", "p50_us",
			"p50 publish-to-deliver latency, µs (lower is better)", "p99_us",
			"p99 publish-to-deliver latency, µs (lower is better)");

	private final Report.Summary summary;

	private final String[] metrics;

	private final List<String> scenarios = new ArrayList<>();

	private final List<String> servers = new ArrayList<>();

	SvgChart(Report.Summary summary, String first, String second) {
		this.summary = summary;
		this.metrics = new String[] { first, second };
		Set<String> groups = new LinkedHashSet<>();
		Set<String> names = new LinkedHashSet<>();
		for (Report.Row row : summary.rows()) {
			groups.add(row.scenario());
			names.add(row.server());
		}
		this.scenarios.addAll(groups);
		this.servers.addAll(names);
	}

	String render() {
		int width = 2 * (PANEL_WIDTH + MARGIN) + MARGIN;
		int notes = 1 + this.summary.failures().size();
		int height = PANEL_HEIGHT + 2 * MARGIN + 20 * (this.servers.size() + notes);
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
				width, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
		panel(svg, MARGIN, 0);
		panel(svg, 2 * MARGIN + PANEL_WIDTH, 1);
		int y = legend(svg, MARGIN, PANEL_HEIGHT + MARGIN + 40);
		svg.append(text(MARGIN, y, "Bars: median over runs; black tick: mean over runs.", "start", "normal"));
		for (String failure : this.summary.failures()) {
			y += 20;
			svg.append(text(MARGIN, y, "No result: " + failure, "start", "normal"));
		}
		return svg.append("</svg>\n").toString();
	}

	private void panel(StringBuilder svg, int x0, int metric) {
		String title = TITLES.getOrDefault(this.metrics[metric], this.metrics[metric]);
		ToDoubleFunction<Report.Row> median = (row) -> row.median(metric);
		double max = this.summary.rows()
			.stream()
			.mapToDouble((row) -> Math.max(row.median(metric), row.mean(metric)))
			.filter((v) -> !Double.isNaN(v))
			.max()
			.orElse(1);
		max = (max > 0) ? max * 1.15 : 1;
		int top = MARGIN;
		int bottom = MARGIN + PANEL_HEIGHT;
		svg.append(text(x0, top - 20, title, "start", "bold"));
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0,
				bottom, x0 + PANEL_WIDTH, bottom));
		int groups = Math.max(1, this.scenarios.size());
		double groupWidth = (double) PANEL_WIDTH / groups;
		double barWidth = groupWidth * 0.8 / Math.max(1, this.servers.size());
		for (int g = 0; g < this.scenarios.size(); g++) {
			String scenario = this.scenarios.get(g);
			double gx = x0 + g * groupWidth + groupWidth * 0.1;
			svg.append(text(gx + groupWidth * 0.4, bottom + 16, scenario, "middle", "normal", 10));
			for (int s = 0; s < this.servers.size(); s++) {
				Report.Row row = find(scenario, this.servers.get(s));
				double bx = gx + s * barWidth;
				if (row == null || Double.isNaN(median.applyAsDouble(row))) {
					svg.append(text(bx + barWidth / 2, bottom - 4, "none", "middle", "normal", 9));
					continue;
				}
				double v = median.applyAsDouble(row);
				double h = PANEL_HEIGHT * v / max;
				svg.append(String.format(Locale.ROOT,
						"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", bx, bottom - h,
						barWidth - 2, h, COLOURS[s % COLOURS.length]));
				double meanY = bottom - PANEL_HEIGHT * row.mean(metric) / max;
				svg.append(String.format(Locale.ROOT,
						"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\" stroke-width=\"2\"/>%n",
						bx, meanY, bx + barWidth - 2, meanY));
				svg.append(text(bx + barWidth / 2, Math.min(bottom - h, meanY) - 4, format(v), "middle", "normal", 9));
			}
		}
	}

	private static String format(double value) {
		return (Math.abs(value) >= 100) ? String.format(Locale.ROOT, "%,.0f", value)
				: String.format(Locale.ROOT, "%.3f", value);
	}

	// Returns the y below the legend
	private int legend(StringBuilder svg, int x, int y) {
		for (int s = 0; s < this.servers.size(); s++) {
			int ly = y + 20 * s;
			svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
					x, ly - 10, COLOURS[s % COLOURS.length]));
			svg.append(text(x + 18, ly, this.servers.get(s), "start", "normal"));
		}
		return y + 20 * this.servers.size();
	}

	private Report.@Nullable Row find(String scenario, String server) {
		for (Report.Row row : this.summary.rows()) {
			if (row.scenario().equals(scenario) && row.server().equals(server)) {
				return row;
			}
		}
		return null;
	}

	private static String text(double x, double y, String content, String anchor, String weight) {
		return text(x, y, content, anchor, weight, 12);
	}

	private static String text(double x, double y, String content, String anchor, String weight, int size) {
		String escaped = content.replace("&", "&amp;").replace("<", "&lt;");
		return String.format(Locale.ROOT,
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"%s\" font-size=\"%d\">%s</text>%n", x, y,
				anchor, weight, size, escaped);
	}

}
