package dev.wspubsub.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests, on a free port of 127.0.0.1: Debian's
 * {@code redis-server} when it is on the {@code PATH}, otherwise the one bundled in the
 * embedded-redis jar. It can be killed (as a crash would look to its clients) and started
 * again on the same port.
 *
 * <p>
 * Needs {@code io.lettuce:lettuce-core} and {@code com.github.codemonstur:embedded-redis}
 * on the test classpath; this module declares both optional.
 */
public final class TestRedis implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final int port;

	private final RedisClient client;

	private @Nullable Process process;

	private @Nullable RedisServer embedded;

	private @Nullable StatefulRedisConnection<String, String> connection;

	private TestRedis(int port) {
		this.port = port;
		this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		// The test's own connection is reopened on demand (commands()): a watchdog
		// reconnecting in the background while the server is down would still be
		// registering a channel when the client shuts down, and Lettuce releases that
		// channel's read buffer only when it is unregistered (a LEAK: line).
		this.client.setOptions(ClientOptions.builder().autoReconnect(false).build());
	}

	/**
	 * Starts a server on a free port and waits until it answers {@code PING}.
	 * @return the running server; close it when done
	 */
	public static TestRedis start() {
		TestRedis redis = new TestRedis(freePort());
		redis.startServer();
		return redis;
	}

	/**
	 * The port the server listens on, the same across {@link #stopServer()} and
	 * {@link #startServer()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Synchronous commands on a connection of the test's own, opened again after a
	 * restart.
	 * @return the commands
	 */
	public synchronized RedisCommands<String, String> commands() {
		StatefulRedisConnection<String, String> current = this.connection;
		if (current == null || !current.isOpen()) {
			current = this.client.connect();
			this.connection = current;
		}
		return current.sync();
	}

	/**
	 * Starts the server (again) on the same port and waits until it answers {@code PING}.
	 */
	public synchronized void startServer() {
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
				RedisServer server = RedisServer.newRedisServer()
					.port(this.port)
					.setting("bind 127.0.0.1")
					.setting("save \"\"")
					.setting("appendonly no")
					.onShutdownForceStop(true)
					.build();
				server.start();
				this.embedded = server;
			}
			awaitPing();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Kills the server, as a crash or a network loss would look to its clients. */
	public synchronized void stopServer() {
		StatefulRedisConnection<String, String> current = this.connection;
		if (current != null) {
			current.closeAsync();
			this.connection = null;
		}
		try {
			Process running = this.process;
			if (running != null) {
				running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				this.process = null;
			}
			RedisServer server = this.embedded;
			if (server != null) {
				server.stop();
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
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			try (StatefulRedisConnection<String, String> probe = this.client.connect()) {
				if ("PONG".equals(probe.sync().ping())) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex; // not listening yet
			}
			try {
				Thread.sleep(50); // a process starting: nothing to await but its port
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new IllegalStateException("Redis on port " + this.port + " did not answer PING within " + START_TIMEOUT,
				last);
	}

	@Override
	public void close() {
		// The client first: with the server still there it has no reconnection under way,
		// whose channel could be registered while the event loops stop and never closed
		// (its read buffer then reported by Netty's leak detector). A quiet period lets
		// the event loops run once more after closing their channels.
		synchronized (this) {
			this.connection = null; // closed with the client
		}
		this.client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
		stopServer();
	}

	private static @Nullable String onPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
