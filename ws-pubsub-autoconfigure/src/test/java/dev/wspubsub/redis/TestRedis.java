package dev.wspubsub.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.awaitility.Awaitility;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests on a free port: Debian's {@code redis-server} when it is on
 * the PATH, otherwise the one bundled in the embedded-redis jar. It can be stopped (killed,
 * as a crash would) and started again on the same port.
 */
final class TestRedis implements AutoCloseable {

	private final int port;

	private final RedisClient client;

	private Process process;

	private RedisServer embedded;

	private StatefulRedisConnection<String, String> connection;

	private TestRedis(int port) {
		this.port = port;
		this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
	}

	static TestRedis start() {
		TestRedis redis = new TestRedis(freePort());
		redis.startServer();
		return redis;
	}

	int port() {
		return this.port;
	}

	/** Synchronous commands on a connection of the test's own. */
	synchronized RedisCommands<String, String> commands() {
		if (this.connection == null || !this.connection.isOpen()) {
			this.connection = this.client.connect();
		}
		return this.connection.sync();
	}

	/** Starts the server (again) on the same port. */
	synchronized void startServer() {
		try {
			List<String> args = List.of("--port", String.valueOf(this.port), "--bind", "127.0.0.1", "--save", "",
					"--appendonly", "no");
			String onPath = onPath();
			if (onPath != null) {
				List<String> command = new ArrayList<>();
				command.add(onPath);
				command.addAll(args);
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
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
			awaitPing();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Kills the server, as a crash or a network loss would look to its clients. */
	synchronized void stopServer() {
		if (this.connection != null) {
			this.connection.closeAsync();
			this.connection = null;
		}
		try {
			if (this.process != null) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				this.process = null;
			}
			if (this.embedded != null) {
				this.embedded.stop();
				this.embedded = null;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitPing() {
		Awaitility.await("Redis on port " + this.port)
			.atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.until(() -> {
				try (StatefulRedisConnection<String, String> probe = this.client.connect()) {
					return "PONG".equals(probe.sync().ping());
				}
			});
	}

	@Override
	public void close() {
		stopServer();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	private static String onPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
