package dev.wspubsub.sample.chat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


import static org.awaitility.Awaitility.await;

/**
 * A sample-chat node in a JVM of its own, with the {@code redis} profile, so it can die as
 * a crashed process does: {@link #kill()} is SIGKILL, with no close frame, no shutdown hook
 * and no goodbye to Redis. Its output goes to {@code target/reliability/<name>-output.txt},
 * where CI looks for {@code LEAK:} lines.
 */
final class ChatNodeProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name;

	private final int port;

	private final int redisPort;

	private Process process;

	private ChatNodeProcess(String name, int port, int redisPort) {
		this.name = name;
		this.port = port;
		this.redisPort = redisPort;
	}

	static ChatNodeProcess start(String name, int port, int redisPort) {
		ChatNodeProcess node = new ChatNodeProcess(name, port, redisPort);
		node.start();
		return node;
	}

	/** Starts the process and waits until it serves HTTP. */
	void start() {
		Path log = Path.of("target", "reliability", this.name + "-output.txt");
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		command.add("-Dio.netty.leakDetection.level=paranoid");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ChatApplication.class.getName());
		command.add("--spring.profiles.active=redis");
		command.add("--server.port=" + this.port);
		command.add("--spring.data.redis.host=127.0.0.1");
		command.add("--spring.data.redis.port=" + this.redisPort);
		command.add("--ws-pubsub.fanout.redis.probe-interval=200ms");
		command.add("--ws-pubsub.fanout.redis.max-reconnect-delay=500ms");
		// The test's clients do not answer the sample's own heartbeat pings, as browsers' pages do.
		command.add("--chat.heartbeat.interval=1h");
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
	}

	private void awaitServing(Duration timeout) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/presence"))
			.timeout(Duration.ofSeconds(2))
			.build();
		await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class)
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

	String name() {
		return this.name;
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}
}
