package dev.wspubsub.sample.chat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A sample-chat node in a JVM of its own, with the {@code redis} profile, so it can die
 * as a crashed process does: {@link #kill()} is SIGKILL, with no close frame, no shutdown
 * hook and no goodbye to Redis. Or, from {@link #startAlone}, a lone node of the default
 * profile whose process can be measured from outside (the soak). Its output goes to
 * {@code target/reliability/<name>-output.txt}, where CI looks for {@code LEAK:} lines.
 */
final class ChatNodeProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name;

	private final int port;

	private final List<String> jvmOptions;

	private final List<String> arguments;

	private final boolean onRedis;

	private Process process;

	private ChatNodeProcess(String name, int port, List<String> jvmOptions, List<String> arguments, boolean onRedis) {
		this.name = name;
		this.port = port;
		this.jvmOptions = jvmOptions;
		this.arguments = arguments;
		this.onRedis = onRedis;
	}

	static ChatNodeProcess start(String name, int port, int redisPort) {
		ChatNodeProcess node = new ChatNodeProcess(name, port,
				List.of("-Xmx256m", "-Dio.netty.leakDetection.level=paranoid"),
				List.of("--spring.profiles.active=redis", "--spring.data.redis.host=127.0.0.1",
						"--spring.data.redis.port=" + redisPort, "--ws-pubsub.fanout.redis.probe-interval=200ms",
						"--ws-pubsub.fanout.redis.max-reconnect-delay=500ms",
						// The test's clients do not answer the sample's own heartbeat
						// pings, as browsers' pages do.
						"--chat.heartbeat.interval=1h"),
				true);
		node.start();
		return node;
	}

	/** A node of the default profile (no Redis), with a fresh output file. */
	static ChatNodeProcess startAlone(String name, int port, List<String> jvmOptions, List<String> arguments) {
		ChatNodeProcess node = new ChatNodeProcess(name, port, jvmOptions, arguments, false);
		try {
			Files.deleteIfExists(node.output());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		node.start();
		return node;
	}

	/**
	 * Starts the process and waits until it serves HTTP and, on Redis, until its fan-out
	 * is up: a room message published before that gets no position, which is right for a
	 * node cut off from Redis but not what a test of a healthy start means to see.
	 */
	void start() {
		Path log = output();
		long fanoutUpBefore = fanoutUpLines();
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(this.jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ChatApplication.class.getName());
		command.add("--server.port=" + this.port);
		command.addAll(this.arguments);
		try {
			Files.createDirectories(log.getParent());
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start chat node " + this.name, ex);
		}
		awaitServing(Duration.ofSeconds(90));
		if (this.onRedis) {
			await("fan-out of " + this.name + " up").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> fanoutUpLines() > fanoutUpBefore);
		}
	}

	// The output file is appended to across restarts, so a start counts the lines.
	private long fanoutUpLines() {
		Path log = output();
		if (!Files.exists(log)) {
			return 0;
		}
		try (var lines = Files.lines(log)) {
			return lines.filter((line) -> line.contains("Redis fan-out of node") && line.endsWith(" is up")).count();
		}
		catch (IOException | UncheckedIOException ex) {
			return 0; // being written; the next poll reads it
		}
	}

	private void awaitServing(Duration timeout) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/presence"))
			.timeout(Duration.ofSeconds(2))
			.build();
		await().atMost(timeout)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptionsInstanceOf(IOException.class)
			.until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("Chat node " + this.name + " exited with "
							+ this.process.exitValue() + "; see target/reliability/" + this.name + "-output.txt");
				}
				return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
			});
	}

	/** SIGKILL, and waits until the process is gone. */
	void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	int port() {
		return this.port;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	long pid() {
		return this.process.pid();
	}

	/** Where the process's output (stdout and stderr) goes. */
	Path output() {
		return Path.of("target", "reliability", this.name + "-output.txt");
	}

	String name() {
		return this.name;
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
