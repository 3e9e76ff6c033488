package dev.wspubsub.sample.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads Linux counters from /proc; answers nothing (not zero) where /proc is absent. */
final class ProcReader {

	private static final Path STAT = Path.of("/proc/stat");

	private static final Path MEMINFO = Path.of("/proc/meminfo");

	private static final Path NET_DEV = Path.of("/proc/net/dev");

	private ProcReader() {
	}

	/** {busy, total} jiffies of all CPUs, or null. */
	static long[] cpuTicks() {
		List<String> lines = read(STAT);
		if (lines.isEmpty() || !lines.get(0).startsWith("cpu ")) {
			return null;
		}
		String[] fields = lines.get(0).trim().split("\\s+");
		long total = 0;
		for (int i = 1; i < fields.length; i++) {
			total += Long.parseLong(fields[i]);
		}
		long idle = Long.parseLong(fields[4]) + ((fields.length > 5) ? Long.parseLong(fields[5]) : 0);
		return new long[] { total - idle, total };
	}

	/** Used memory in percent (MemTotal minus MemAvailable), or NaN. */
	static double memoryUsedPercent() {
		long total = -1;
		long available = -1;
		for (String line : read(MEMINFO)) {
			if (line.startsWith("MemTotal:")) {
				total = kilobytes(line);
			}
			else if (line.startsWith("MemAvailable:")) {
				available = kilobytes(line);
			}
		}
		return (total > 0 && available >= 0) ? 100.0 * (total - available) / total : Double.NaN;
	}

	/** {received, sent} bytes over all interfaces but loopback, or null. */
	static long[] networkBytes() {
		List<String> lines = read(NET_DEV);
		if (lines.size() < 3) {
			return null;
		}
		long in = 0;
		long out = 0;
		for (String line : lines.subList(2, lines.size())) {
			int colon = line.indexOf(':');
			if (colon < 0 || line.substring(0, colon).trim().equals("lo")) {
				continue;
			}
			String[] fields = line.substring(colon + 1).trim().split("\\s+");
			in += Long.parseLong(fields[0]);
			out += Long.parseLong(fields[8]);
		}
		return new long[] { in, out };
	}

	private static long kilobytes(String line) {
		return Long.parseLong(line.replaceAll("[^0-9]", ""));
	}

	private static List<String> read(Path path) {
		try {
			return Files.readAllLines(path);
		}
		catch (IOException | SecurityException ex) {
			return List.of();
		}
	}

}
