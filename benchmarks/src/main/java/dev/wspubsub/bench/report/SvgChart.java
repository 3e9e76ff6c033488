package dev.wspubsub.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Two bar charts in one SVG, grouped by client count with one bar per server: delivered
 * msg/s (higher is better) and server CPU-seconds per million deliveries (lower is better).
 * Plain SVG text, so no plotting library is needed to make it.
 */
final class SvgChart {

	private static final String[] COLOURS = { "#2b6cb0", "#d69e2e", "#38a169", "#c53030", "#6b46c1", "#718096" };

	private static final int PANEL_WIDTH = 460;

	private static final int PANEL_HEIGHT = 300;

	private static final int MARGIN = 60;

	private final List<ChatReport.Row> rows;

	private final List<Integer> clientCounts = new ArrayList<>();

	private final List<String> servers = new ArrayList<>();

	SvgChart(List<ChatReport.Row> rows) {
		this.rows = rows;
		Set<Integer> counts = new LinkedHashSet<>();
		Set<String> names = new LinkedHashSet<>();
		for (ChatReport.Row row : rows) {
			counts.add(row.clients());
			names.add(row.server());
		}
		this.clientCounts.addAll(counts);
		this.servers.addAll(names);
	}

	String render() {
		int width = 2 * (PANEL_WIDTH + MARGIN) + MARGIN;
		int height = PANEL_HEIGHT + 2 * MARGIN + 20 * this.servers.size();
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
				width, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
		panel(svg, MARGIN, "Delivered messages per second (higher is better)", ChatReport.Row::msgsPerSecond, "%,.0f");
		panel(svg, 2 * MARGIN + PANEL_WIDTH, "Server CPU-seconds per million messages (lower is better)",
				ChatReport.Row::cpuPerMillion, "%.3f");
		legend(svg, MARGIN, PANEL_HEIGHT + MARGIN + 40);
		return svg.append("</svg>\n").toString();
	}

	private void panel(StringBuilder svg, int x0, String title, ToDoubleFunction<ChatReport.Row> value, String format) {
		double max = this.rows.stream().mapToDouble(value).max().orElse(1);
		max = (max > 0) ? max * 1.15 : 1;
		int top = MARGIN;
		int bottom = MARGIN + PANEL_HEIGHT;
		svg.append(text(x0, top - 20, title, "start", "bold"));
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0, bottom, x0 + PANEL_WIDTH, bottom));
		int groups = Math.max(1, this.clientCounts.size());
		double groupWidth = (double) PANEL_WIDTH / groups;
		double barWidth = groupWidth * 0.8 / Math.max(1, this.servers.size());
		for (int g = 0; g < this.clientCounts.size(); g++) {
			int clients = this.clientCounts.get(g);
			double gx = x0 + g * groupWidth + groupWidth * 0.1;
			svg.append(text(gx + groupWidth * 0.4, bottom + 16, clients + " clients", "middle", "normal"));
			for (int s = 0; s < this.servers.size(); s++) {
				ChatReport.Row row = find(clients, this.servers.get(s));
				if (row == null) {
					continue;
				}
				double v = value.applyAsDouble(row);
				double h = PANEL_HEIGHT * v / max;
				double bx = gx + s * barWidth;
				svg.append(String.format(Locale.ROOT,
						"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", bx, bottom - h,
						barWidth - 2, h, COLOURS[s % COLOURS.length]));
				svg.append(text(bx + barWidth / 2, bottom - h - 4, String.format(Locale.ROOT, format, v), "middle",
						"normal", 9));
			}
		}
	}

	private void legend(StringBuilder svg, int x, int y) {
		for (int s = 0; s < this.servers.size(); s++) {
			int ly = y + 20 * s;
			svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", x,
					ly - 10, COLOURS[s % COLOURS.length]));
			svg.append(text(x + 18, ly, this.servers.get(s), "start", "normal"));
		}
	}

	private ChatReport.@Nullable Row find(int clients, String server) {
		for (ChatReport.Row row : this.rows) {
			if (row.clients() == clients && row.server().equals(server)) {
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
