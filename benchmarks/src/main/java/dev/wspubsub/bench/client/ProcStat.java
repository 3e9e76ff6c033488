package dev.wspubsub.bench.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's CPU time and resident memory from {@code /proc}. */
final class ProcStat {

	/** utime (field 14) and stime (15), as indexes of {@link #statFields}. */
	private static final int UTIME = 11;

	private static final int STIME = 12;

	private ProcStat() {
	}

	/**
	 * User plus system CPU time of {@code pid} (all its threads) in clock ticks: fields
	 * 14 and 15 of {@code /proc/PID/stat}, counted after the command name, which may hold
	 * spaces.
	 */
	static long cpuTicks(long pid) {
		return cpu(pid).total();
	}

	/** The CPU time of {@code pid} (all its threads), from one read of its stat file. */
	static Cpu cpu(long pid) {
		String[] fields = statFields(pid);
		long system = Long.parseLong(fields[STIME]);
		return new Cpu(Long.parseLong(fields[UTIME]) + system, system);
	}

	/**
	 * The fields of {@code /proc/PID/stat} after the command name, which may hold spaces;
	 * the first is field 3 (state).
	 */
	private static String[] statFields(long pid) {
		String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
		return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
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

	/**
	 * User plus system CPU time in clock ticks, and system time alone: the kernel's
	 * share, on loopback the receiving side's TCP path of each send included.
	 */
	record Cpu(long total, long system) {

		/** No process read: no server to measure. */
		static final Cpu NONE = new Cpu(0, 0);

		Cpu since(Cpu start) {
			return new Cpu(this.total - start.total, this.system - start.system);
		}

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
