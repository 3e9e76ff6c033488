package dev.wspubsub.bench.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Idle-connection memory: opens connections in steps (spread over several
 * {@link IdleClients} processes), and at each step reads the server's live heap after a
 * full GC ({@code jcmd PID GC.class_histogram}, whose total counts live objects only) and
 * its RSS. Per-connection figures are the growth over the zero-connection baseline (taken
 * after a first batch of connections came and went, so class loading is not counted) and
 * the growth since the previous step, which shows whether the cost is flat. At the top
 * step every connection is pinged and must answer.
 *
 * <pre>
 * java -cp benchmarks-jmh.jar dev.wspubsub.bench.client.MemoryBenchmark --server-pid 1234 \
 *     --port 4001 --steps 1000,10000,19000 --processes 4
 * </pre>
 */
public final class MemoryBenchmark {

	private MemoryBenchmark() {
	}

	public static void main(String[] argv) throws Exception {
		Args args = new Args(argv);
		long pid = args.getLong("server-pid", 0);
		if (pid <= 0) {
			throw new IllegalArgumentException("--server-pid is required");
		}
		boolean jvm = Boolean.parseBoolean(args.get("jvm", "true"));
		String label = args.get("label", "server");
		int processes = args.getInt("processes", 4);
		long settleMillis = args.getLong("settle-ms", 3000);
		List<Child> children = new ArrayList<>();
		try {
			for (int i = 0; i < processes; i++) {
				children.add(Child.start(args, "p" + i + "-"));
			}
			Child first = children.get(0);
			first.ask("open " + args.getInt("warmup-connections", 200));
			first.ask("close");
			Thread.sleep(settleMillis);
			Sample base = Sample.take(pid, jvm, 0);
			System.out.println(base.describe(label, base, base));
			Sample last = base;
			for (String step : args.get("steps", "1000,10000,19000").split(",")) {
				int target = Integer.parseInt(step.trim());
				int open = 0;
				for (int i = 0; i < processes; i++) {
					int share = target / processes + ((i < target % processes) ? 1 : 0);
					open += children.get(i).openedCount(children.get(i).ask("open " + share));
				}
				if (open < target) {
					System.out.println("WARN only " + open + " of " + target + " connections opened");
				}
				Thread.sleep(settleMillis);
				Sample sample = Sample.take(pid, jvm, open);
				System.out.println(sample.describe(label, base, last));
				last = sample;
			}
			long answered = 0;
			for (Child child : children) {
				answered += Long.parseLong(child.ask("ping").split(" ")[1]);
			}
			System.out.printf(Locale.ROOT, "PING server=%s answered=%d of=%d%n", label, answered, last.connections());
		}
		finally {
			for (Child child : children) {
				child.stop();
			}
		}
	}

	/** The server's memory with {@code connections} open. */
	record Sample(int connections, long heapBytes, long rssKb) {

		static Sample take(long pid, boolean jvm, int connections) throws IOException, InterruptedException {
			long heap = jvm ? liveHeapBytes(pid) : -1;
			return new Sample(connections, heap, ProcStat.rssKb(pid));
		}

		String describe(String label, Sample base, Sample previous) {
			return String.format(Locale.ROOT,
					"RESULT server=%s connections=%d heap_live_kb=%s rss_kb=%d heap_kb_per_conn=%s rss_kb_per_conn=%s "
							+ "heap_kb_per_conn_since_previous=%s rss_kb_per_conn_since_previous=%s",
					label, this.connections, (this.heapBytes < 0) ? "NA" : Long.toString(this.heapBytes / 1024),
					this.rssKb, heapPer(base), rssPer(base), heapPer(previous), rssPer(previous));
		}

		private String heapPer(Sample from) {
			int added = this.connections - from.connections;
			return (this.heapBytes < 0 || added <= 0) ? "NA"
					: String.format(Locale.ROOT, "%.2f", (this.heapBytes - from.heapBytes) / 1024.0 / added);
		}

		private String rssPer(Sample from) {
			int added = this.connections - from.connections;
			return (added <= 0) ? "NA" : String.format(Locale.ROOT, "%.2f", (double) (this.rssKb - from.rssKb) / added);
		}

		// The histogram forces a full GC first, so its total is the live heap
		private static long liveHeapBytes(long pid) throws IOException, InterruptedException {
			Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
			Process process = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
					Long.toString(pid), "GC.class_histogram")
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("jcmd failed: " + output);
			}
			for (String line : output.split("\n")) {
				if (line.trim().startsWith("Total")) {
					String[] fields = line.trim().split("\\s+");
					return Long.parseLong(fields[2]);
				}
			}
			throw new IllegalStateException("No Total line from jcmd: " + output);
		}
	}

	/** One {@link IdleClients} process and its command pipe. */
	record Child(Process process, PrintWriter commands, BufferedReader answers) {

		static Child start(Args args, String prefix) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
					IdleClients.class.getName(), "--host", args.get("host", "127.0.0.1"), "--port",
					args.get("port", "4001"), "--path", args.get("path", "/ws"), "--name-prefix", prefix)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			return new Child(process, new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8),
					new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
		}

		String ask(String command) throws IOException {
			this.commands.println(command);
			String answer = this.answers.readLine();
			if (answer == null || answer.startsWith("error")) {
				throw new IllegalStateException("Client process answered '" + answer + "' to '" + command + "'");
			}
			return answer;
		}

		int openedCount(String answer) {
			return Integer.parseInt(answer.split(" ")[1]);
		}

		void stop() throws InterruptedException {
			this.commands.println("exit");
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
	}

}
