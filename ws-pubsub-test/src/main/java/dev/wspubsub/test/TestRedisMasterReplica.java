package dev.wspubsub.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * A real static master/replica pair for tests: two Debian {@code redis-server} processes
 * on free ports of 127.0.0.1, the second started with {@code --replicaof} the first.
 * {@link #start()} returns once the replica reports its link to the master up;
 * {@link #close()} kills both.
 *
 * <p>
 * Needs {@code redis-server} on the {@code PATH} ({@code apt-get install redis-server};
 * the distribution's service need not run) and {@code io.lettuce:lettuce-core} on the
 * test classpath.
 */
public final class TestRedisMasterReplica implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final String server;

	private final int masterPort;

	private final int replicaPort;

	private final Map<Integer, Process> processes = new LinkedHashMap<>();

	private final Map<Integer, RedisClient> clients = new LinkedHashMap<>();

	private final Map<Integer, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();

	private TestRedisMasterReplica(String server, int masterPort, int replicaPort) {
		this.server = server;
		this.masterPort = masterPort;
		this.replicaPort = replicaPort;
	}

	/**
	 * Starts a master and its replica and waits until the replica is in sync.
	 * @return the running pair; close it when done
	 * @throws IllegalStateException when {@code redis-server} is not on the {@code PATH}
	 * or the replica does not sync in time
	 */
	public static TestRedisMasterReplica start() {
		String server = TestRedisCluster.onPath("redis-server");
		if (server == null) {
			throw new IllegalStateException("TestRedisMasterReplica needs redis-server on the PATH"
					+ " (Debian: apt-get install redis-server)");
		}
		int master = TestRedis.freePort();
		int replica = otherFreePort(master);
		TestRedisMasterReplica pair = new TestRedisMasterReplica(server, master, replica);
		try {
			pair.startNode(master);
			pair.await("the master to answer PING", () -> pings(pair, master));
			pair.startNode(replica, "--replicaof", "127.0.0.1", String.valueOf(master));
			pair.await("the replica to sync with its master", () -> pings(pair, replica)
					&& pair.node(replica).info("replication").contains("master_link_status:up"));
			return pair;
		}
		catch (RuntimeException ex) {
			pair.close();
			throw ex;
		}
	}

	/**
	 * @return the master's port
	 */
	public int masterPort() {
		return this.masterPort;
	}

	/**
	 * @return the replica's port
	 */
	public int replicaPort() {
		return this.replicaPort;
	}

	/**
	 * The addresses for {@code spring.data.redis.masterreplica.nodes}, the replica first:
	 * a client that took the first node for the master would be wrong.
	 * @return {@code 127.0.0.1:replica,127.0.0.1:master}
	 */
	public String nodes() {
		return "127.0.0.1:" + this.replicaPort + ",127.0.0.1:" + this.masterPort;
	}

	/**
	 * Synchronous commands on a connection of the test's own to the node on {@code port}.
	 * @param port {@link #masterPort()} or {@link #replicaPort()}
	 * @return the commands
	 */
	public synchronized RedisCommands<String, String> node(int port) {
		StatefulRedisConnection<String, String> current = this.connections.get(port);
		if (current == null || !current.isOpen()) {
			current = this.clients.computeIfAbsent(port, (p) -> RedisClient.create(
					RedisURI.builder().withHost("127.0.0.1").withPort(p).withTimeout(Duration.ofSeconds(2)).build()))
				.connect();
			this.connections.put(port, current);
		}
		return current.sync();
	}

	/** Kills both servers. */
	@Override
	public synchronized void close() {
		// The clients before the servers, with a quiet period: a reconnection registered
		// while the event loops stop would never be closed (a leaked read buffer). Each
		// client closes its connection: closed here too, it would be warned of twice.
		this.connections.clear();
		this.clients.values().forEach((client) -> client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2)));
		this.clients.clear();
		for (Process process : this.processes.values()) {
			try {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.processes.clear();
	}

	private void startNode(int port, String... extra) {
		List<String> command = new ArrayList<>(List.of(this.server, "--port", String.valueOf(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no"));
		command.addAll(List.of(extra));
		try {
			this.processes.put(port,
					new ProcessBuilder(command).redirectErrorStream(true)
						.redirectOutput(ProcessBuilder.Redirect.DISCARD)
						.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean pings(TestRedisMasterReplica pair, int port) {
		try {
			return "PONG".equals(pair.node(port).ping());
		}
		catch (RuntimeException ex) {
			return false; // not listening yet
		}
	}

	private static int otherFreePort(int than) {
		int port = TestRedis.freePort();
		while (port == than) {
			port = TestRedis.freePort();
		}
		return port;
	}

	private void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + START_TIMEOUT + " waiting for " + what);
			}
			try {
				Thread.sleep(50); // processes starting: nothing to await but polling them
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for " + what, ex);
			}
		}
	}

}
