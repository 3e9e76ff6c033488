package dev.wspubsub.sample.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Memory of another JVM, read from outside: its live heap after a full GC (a class
 * histogram, which collects first, then sums every live object) and its resident set.
 */
final class ProcessMemory {

	private final long pid;

	ProcessMemory(long pid) {
		this.pid = pid;
	}

	record Sample(long liveHeapBytes, long rssBytes) {
	}

	/**
	 * Forces a full GC in the process (a stop-the-world pause there) and reads both
	 * figures.
	 */
	Sample sample() {
		return new Sample(liveHeapAfterFullGc(), rss());
	}

	private long liveHeapAfterFullGc() {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		try {
			Process process = new ProcessBuilder(jcmd, Long.toString(this.pid), "GC.class_histogram")
				.redirectErrorStream(true)
				.start();
			// Thousands of lines; the last says "Total <instances> <bytes>".
			List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
				.toList();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("jcmd GC.class_histogram took over 60 s");
			}
			return lines.stream()
				.map(String::strip)
				.filter((line) -> line.startsWith("Total "))
				.map((line) -> Long.parseLong(line.split("\\s+")[2]))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(
						"No total in jcmd's histogram: " + lines.subList(Math.max(0, lines.size() - 5), lines.size())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private long rss() {
		try {
			// "VmRSS: 123456 kB"
			return Files.readAllLines(Path.of("/proc", Long.toString(this.pid), "status"))
				.stream()
				.filter((line) -> line.startsWith("VmRSS:"))
				.map((line) -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
				.findFirst()
				.orElseThrow();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
