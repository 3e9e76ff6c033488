package dev.wspubsub.bench.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's CPU time and resident memory from {@code /proc}. */
final class ProcStat {

	private ProcStat() {
	}

	/**
	 * User plus system CPU time of {@code pid} (all its threads) in clock ticks: fields
	 * 14 and 15 of {@code /proc/PID/stat}, counted after the command name, which may hold
	 * spaces.
	 */
	static long cpuTicks(long pid) {
		String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
		// fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * Resident set size of {@code pid} in KiB ({@code VmRSS} of
	 * {@code /proc/PID/status}).
	 */
	static long rssKb(long pid) {
		for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		throw new IllegalStateException("No VmRSS for process " + pid);
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + path + ": is the process still running?", ex);
		}
	}

}
