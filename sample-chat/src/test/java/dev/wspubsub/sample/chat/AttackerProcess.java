package dev.wspubsub.sample.chat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Attackers} in a JVM of their own, attacking from {@code from} until
 * {@link #stop()}; on the cores of {@code reliability.attacker-cpus} (a {@code taskset}
 * list) when it is set. Their errors go to
 * {@code target/reliability/attackers-errors.txt}.
 */
final class AttackerProcess implements AutoCloseable {

	private final Process process;

	private final BufferedReader output;

	private AttackerProcess(Process process) {
		this.process = process;
		this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
	}

	/**
	 * Starts the attackers and waits until they attack; they stop by themselves after
	 * {@code bound}.
	 */
	static AttackerProcess start(int port, String from, Duration bound) throws IOException {
		Path errors = Path.of("target", "reliability", "attackers-errors.txt");
		Files.createDirectories(errors.getParent());
		List<String> command = new ArrayList<>();
		String cpus = System.getProperty("reliability.attacker-cpus");
		if (cpus != null) {
			// Cores of their own, as an attacker brings its own machine: see
			// reliability/run-abuse.sh.
			command.addAll(List.of("taskset", "-c", cpus));
		}
		command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m", "-cp",
				System.getProperty("java.class.path"), Attackers.class.getName(), String.valueOf(port), from,
				bound.toString()));
		Process process = new ProcessBuilder(command)
			.redirectError(ProcessBuilder.Redirect.appendTo(new File(errors.toString())))
			.start();
		AttackerProcess attackers = new AttackerProcess(process);
		// The JVM may warn on standard output before the attackers speak.
		for (int i = 0; i < 10; i++) {
			String line = attackers.readLine(Duration.ofSeconds(60));
			if (Attackers.READY.equals(line)) {
				return attackers;
			}
			if (line == null) {
				break;
			}
		}
		attackers.close();
		throw new IllegalStateException("The attackers did not start; see " + errors);
	}

	/** The CPU time the attackers' process has used so far. */
	Duration cpuTime() {
		return this.process.info().totalCpuDuration().orElse(Duration.ZERO);
	}

	/**
	 * Stops the attacks and answers their tally: kind → "closed-or-let-in/refused", plus
	 * failures and the first one.
	 */
	Map<String, String> stop() throws IOException {
		this.process.getOutputStream().close();
		String line = readLine(Duration.ofSeconds(60));
		while (line != null && !line.startsWith(Attackers.TALLY)) {
			line = readLine(Duration.ofSeconds(60));
		}
		if (line == null) {
			throw new IllegalStateException("The attackers ended without a tally");
		}
		Map<String, String> tally = new LinkedHashMap<>();
		int first = line.indexOf(" first=");
		for (String pair : line.substring(Attackers.TALLY.length(), first).split(" ")) {
			String[] keyValue = pair.split("=", 2);
			tally.put(keyValue[0], keyValue[1]);
		}
		tally.put("first", line.substring(first + " first=".length()));
		return tally;
	}

	private String readLine(Duration timeout) throws IOException {
		CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
			try {
				return this.output.readLine();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		try {
			return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | InterruptedException ex) {
			close();
			throw new IllegalStateException("The attackers said nothing for " + timeout, ex);
		}
		catch (ExecutionException ex) {
			throw new IOException(ex.getCause());
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
