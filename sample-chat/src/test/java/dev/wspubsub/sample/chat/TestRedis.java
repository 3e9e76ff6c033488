package dev.wspubsub.sample.chat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.awaitility.Awaitility;
import redis.embedded.RedisServer;

/**
 * A real Redis server on a free port, as the starter's tests start one: Debian's
 * {@code redis-server} when it is on the PATH, else the one bundled in the embedded-redis jar.
 */
final class TestRedis implements AutoCloseable {

	private final int port = freePort();

	private final RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", this.port));

	private final StatefulRedisConnection<String, String> connection;

	private Process process;

	private RedisServer embedded;

	private TestRedis() throws IOException {
		String onPath = onPath();
		if (onPath != null) {
			this.process = new ProcessBuilder(onPath, "--port", String.valueOf(this.port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		else {
			this.embedded = RedisServer.newRedisServer()
				.port(this.port)
				.setting("bind 127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.onShutdownForceStop(true)
				.build();
			this.embedded.start();
		}
		this.connection = Awaitility.await("Redis on port " + this.port)
			.atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.until(this.client::connect, (connected) -> "PONG".equals(connected.sync().ping()));
	}

	static TestRedis start() {
		try {
			return new TestRedis();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	/** Commands on the test's own connection. */
	RedisCommands<String, String> commands() {
		return this.connection.sync();
	}

	@Override
	public void close() throws Exception {
		this.connection.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		if (this.process != null) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		if (this.embedded != null) {
			this.embedded.stop();
		}
	}

	private static String onPath() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-server");
			if (!dir.isEmpty() && Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
