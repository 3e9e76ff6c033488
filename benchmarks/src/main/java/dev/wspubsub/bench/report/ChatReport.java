package dev.wspubsub.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarises {@code results.csv} of {@code run-chat.sh}: per client count and server, the
 * median over runs of the median msg/s and of the CPU-seconds per million deliveries, and
 * both as ratios to Bun. Prints one line per server, writes the summary CSV and the chart.
 *
 * <pre>java -cp benchmarks-jmh.jar dev.wspubsub.bench.report.ChatReport results.csv summary.csv chat.svg</pre>
 */
public final class ChatReport {

	static final String BASELINE = "bun";

	private ChatReport() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 3) {
			throw new IllegalArgumentException("Usage: ChatReport results.csv summary.csv chart.svg");
		}
		List<Row> summary = summarise(Files.readAllLines(Path.of(args[0])));
		StringBuilder csv = new StringBuilder(
				"clients,server,runs,median_msgs_per_s,cpu_s_per_million,throughput_vs_bun,cpu_per_msg_vs_bun\n");
		for (Row row : summary) {
			System.out.println(row.line());
			csv.append(row.csv()).append('\n');
		}
		Files.writeString(Path.of(args[1]), csv);
		Files.writeString(Path.of(args[2]), new SvgChart(summary).render());
	}

	static List<Row> summarise(List<String> lines) {
		// clients -> server -> runs, in the order the script ran them
		Map<Integer, Map<String, List<double[]>>> runs = new LinkedHashMap<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] f = line.split(",");
			if (f.length < 10 || f[3].isEmpty() || f[9].equals("NA")) {
				continue;
			}
			runs.computeIfAbsent(Integer.parseInt(f[0]), (k) -> new LinkedHashMap<>())
				.computeIfAbsent(f[1], (k) -> new ArrayList<>())
				.add(new double[] { Double.parseDouble(f[3]), Double.parseDouble(f[9]) });
		}
		List<Row> rows = new ArrayList<>();
		runs.forEach((clients, servers) -> {
			double[] bun = servers.containsKey(BASELINE) ? medians(servers.get(BASELINE)) : null;
			servers.forEach((server, samples) -> {
				double[] m = medians(samples);
				double throughputRatio = (bun != null && bun[0] > 0) ? m[0] / bun[0] : Double.NaN;
				double cpuRatio = (bun != null && bun[1] > 0) ? m[1] / bun[1] : Double.NaN;
				rows.add(new Row(clients, server, samples.size(), m[0], m[1], throughputRatio, cpuRatio));
			});
		});
		return rows;
	}

	private static double[] medians(List<double[]> samples) {
		return new double[] { median(samples, 0), median(samples, 1) };
	}

	private static double median(List<double[]> samples, int column) {
		double[] values = samples.stream().mapToDouble((s) -> s[column]).sorted().toArray();
		int mid = values.length / 2;
		return (values.length % 2 == 1) ? values[mid] : (values[mid - 1] + values[mid]) / 2;
	}

	/** One server at one client count. */
	record Row(int clients, String server, int runs, double msgsPerSecond, double cpuPerMillion,
			double throughputVsBun, double cpuVsBun) {

		String line() {
			return String.format(Locale.ROOT,
					"%3d clients  %-14s %,12.0f msg/s  %8.4f CPU-s per million msgs  throughput %s Bun  CPU/msg %s Bun  (%d runs)",
					this.clients, this.server, this.msgsPerSecond, this.cpuPerMillion, ratio(this.throughputVsBun),
					ratio(this.cpuVsBun), this.runs);
		}

		String csv() {
			return String.format(Locale.ROOT, "%d,%s,%d,%.0f,%.4f,%.3f,%.3f", this.clients, this.server, this.runs,
					this.msgsPerSecond, this.cpuPerMillion, this.throughputVsBun, this.cpuVsBun);
		}

		private static String ratio(double value) {
			return Double.isNaN(value) ? "   n/a" : String.format(Locale.ROOT, "%5.2fx", value);
		}
	}
}
