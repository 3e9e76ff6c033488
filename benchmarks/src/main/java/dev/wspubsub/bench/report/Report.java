package dev.wspubsub.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Summarises the {@code results.csv} of a benchmark script: one row per run, with the
 * columns before {@code server} naming the scenario (e.g. {@code mode,clients}), then
 * {@code server,run,status} and the measured values. Per scenario and server it takes the
 * median and the mean over the runs of each metric named, and both as ratios to Bun's in
 * the same scenario (or another server's: {@code -Dreport.baseline=NAME}); runs whose
 * status is not {@code ok} produced no result and are listed, not dropped. Prints one
 * line per scenario and server, writes the summary CSV and a chart of the first two
 * metrics.
 *
 * <pre>java -cp benchmarks-jmh.jar dev.wspubsub.bench.report.Report results.csv summary.csv chart.svg \
 *     median_msgs_per_s cpu_s_per_million</pre>
 */
public final class Report {

	/**
	 * The server the others are compared with: Bun, unless {@code -Dreport.baseline=NAME}
	 * names another.
	 */
	static final String BASELINE = System.getProperty("report.baseline", "bun");

	private Report() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 5) {
			throw new IllegalArgumentException(
					"Usage: Report results.csv summary.csv chart.svg METRIC METRIC [METRIC...]");
		}
		List<String> metrics = List.of(Arrays.copyOfRange(args, 3, args.length));
		Summary summary = summarise(Files.readAllLines(Path.of(args[0])), metrics);
		for (Row row : summary.rows()) {
			System.out.println(row.line(metrics));
		}
		if (summary.failures().isEmpty()) {
			System.out.println("every run produced a result");
		}
		for (String failure : summary.failures()) {
			System.out.println("NO RESULT: " + failure);
		}
		Files.writeString(Path.of(args[1]), summary.csv(metrics));
		Files.writeString(Path.of(args[2]), new SvgChart(summary, metrics.get(0), metrics.get(1)).render());
	}

	static Summary summarise(List<String> lines, List<String> metrics) {
		List<String> header = List.of(lines.get(0).split(","));
		int server = column(header, "server");
		int run = column(header, "run");
		int status = column(header, "status");
		int[] metricColumns = metrics.stream().mapToInt((name) -> column(header, name)).toArray();
		// scenario -> server -> the values of each run with a result, in the order the
		// script ran them
		Map<String, Map<String, List<double[]>>> runs = new LinkedHashMap<>();
		Map<String, Map<String, Integer>> missing = new LinkedHashMap<>();
		List<String> failures = new ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			if (line.isBlank()) {
				continue;
			}
			String[] f = line.split(",", -1);
			String scenario = scenario(header, f, server);
			runs.computeIfAbsent(scenario, (k) -> new LinkedHashMap<>())
				.computeIfAbsent(f[server], (k) -> new ArrayList<>());
			double[] values = values(f, metricColumns);
			if (!f[status].equals("ok") || values == null) {
				missing.computeIfAbsent(scenario, (k) -> new LinkedHashMap<>()).merge(f[server], 1, Integer::sum);
				failures.add(scenario + ", " + f[server] + ", run " + f[run] + ": " + f[status]);
				continue;
			}
			runs.get(scenario).get(f[server]).add(values);
		}
		List<Row> rows = new ArrayList<>();
		runs.forEach((scenario, servers) -> {
			List<double[]> base = servers.get(BASELINE);
			double[][] baseline = (base != null && !base.isEmpty()) ? stats(base, metrics.size()) : null;
			servers.forEach((name, samples) -> {
				double[][] stats = samples.isEmpty() ? null : stats(samples, metrics.size());
				int noResult = missing.getOrDefault(scenario, Map.of()).getOrDefault(name, 0);
				rows.add(new Row(scenario, name, samples.size(), noResult, stats, baseline));
			});
		});
		return new Summary(rows, failures);
	}

	private static int column(List<String> header, String name) {
		int index = header.indexOf(name);
		if (index < 0) {
			throw new IllegalArgumentException("No column '" + name + "' in " + header);
		}
		return index;
	}

	// "bun-client, 16 clients": the columns before server, a number followed by its
	// column's name
	private static String scenario(List<String> header, String[] f, int server) {
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < server; i++) {
			parts.add(f[i].matches("[0-9.]+") ? f[i] + " " + header.get(i).replace('_', ' ') : f[i]);
		}
		return String.join(", ", parts);
	}

	private static double @Nullable [] values(String[] f, int[] columns) {
		double[] values = new double[columns.length];
		for (int i = 0; i < columns.length; i++) {
			String value = (columns[i] < f.length) ? f[columns[i]] : "";
			if (value.isEmpty() || value.equals("NA")) {
				return null;
			}
			values[i] = Double.parseDouble(value);
		}
		return values;
	}

	// [metric] -> {median, mean} over the runs
	private static double[][] stats(List<double[]> samples, int metrics) {
		double[][] stats = new double[metrics][];
		for (int m = 0; m < metrics; m++) {
			int column = m;
			double[] values = samples.stream().mapToDouble((s) -> s[column]).sorted().toArray();
			int mid = values.length / 2;
			double median = (values.length % 2 == 1) ? values[mid] : (values[mid - 1] + values[mid]) / 2;
			stats[m] = new double[] { median, Arrays.stream(values).average().orElse(Double.NaN) };
		}
		return stats;
	}

	/** Every scenario and server, and the runs that produced no result. */
	record Summary(List<Row> rows, List<String> failures) {

		String csv(List<String> metrics) {
			StringBuilder csv = new StringBuilder("scenario,server,runs,no_result");
			for (String metric : metrics) {
				csv.append(",median_")
					.append(metric)
					.append(",mean_")
					.append(metric)
					.append(',')
					.append(metric)
					.append("_vs_")
					.append(BASELINE)
					.append(",mean_")
					.append(metric)
					.append("_vs_")
					.append(BASELINE);
			}
			csv.append('\n');
			for (Row row : this.rows) {
				csv.append(row.csv(metrics.size())).append('\n');
			}
			return csv.toString();
		}
	}

	/**
	 * One server in one scenario: {@code stats[metric]} is {median, mean} over its runs
	 * (null if no run produced a result), {@code baseline} the same for the baseline
	 * server.
	 */
	record Row(String scenario, String server, int runs, int noResult, double @Nullable [][] stats,
			double @Nullable [][] baseline) {

		double median(int metric) {
			return (this.stats != null) ? this.stats[metric][0] : Double.NaN;
		}

		double mean(int metric) {
			return (this.stats != null) ? this.stats[metric][1] : Double.NaN;
		}

		/** {@code which} 0: ratio of medians, 1: ratio of means. */
		double vsBaseline(int metric, int which) {
			if (this.stats == null || this.baseline == null || this.baseline[metric][which] == 0) {
				return Double.NaN;
			}
			return this.stats[metric][which] / this.baseline[metric][which];
		}

		String line(List<String> metrics) {
			StringBuilder line = new StringBuilder(
					String.format(Locale.ROOT, "%-28s %-14s", this.scenario, this.server));
			for (int m = 0; m < metrics.size(); m++) {
				line.append(String.format(Locale.ROOT, "  %s median %s mean %s (%s / %s %s)", metrics.get(m),
						number(median(m)), number(mean(m)), ratio(vsBaseline(m, 0)), ratio(vsBaseline(m, 1)),
						BASELINE));
			}
			line.append(String.format(Locale.ROOT, "  (%d runs", this.runs));
			if (this.noResult > 0) {
				line.append(String.format(Locale.ROOT, ", %d with no result", this.noResult));
			}
			return line.append(')').toString();
		}

		String csv(int metrics) {
			StringBuilder csv = new StringBuilder(String.format(Locale.ROOT, "\"%s\",%s,%d,%d", this.scenario,
					this.server, this.runs, this.noResult));
			for (int m = 0; m < metrics; m++) {
				csv.append(',').append(plain(median(m))).append(',').append(plain(mean(m)));
				csv.append(',').append(plain(vsBaseline(m, 0))).append(',').append(plain(vsBaseline(m, 1)));
			}
			return csv.toString();
		}

		private static String number(double value) {
			if (Double.isNaN(value)) {
				return "n/a";
			}
			return (Math.abs(value) >= 100) ? String.format(Locale.ROOT, "%,.0f", value)
					: String.format(Locale.ROOT, "%.4f", value);
		}

		private static String plain(double value) {
			return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
		}

		private static String ratio(double value) {
			return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", value);
		}
	}

}
