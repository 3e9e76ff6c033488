package dev.wspubsub.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis Cluster for tests: three masters and three replicas, each a Debian
 * {@code redis-server} (7.0 or later, for sharded pub/sub) on a free port of 127.0.0.1
 * with its files in a temporary directory, joined by {@code redis-cli --cluster create}.
 * {@link #start()} returns once every node reports {@code cluster_state:ok};
 * {@link #close()} kills every node and deletes the directory. A master can be killed, as
 * a crash would look to its clients, and its replica's promotion awaited, or its writes
 * held for a while, as a master falling behind would.
 *
 * <p>
 * Needs {@code redis-server} and {@code redis-cli} on the {@code PATH}
 * ({@code apt-get install redis-server}; the distribution's service need not run) and
 * {@code io.lettuce:lettuce-core} on the test classpath.
 */
public final class TestRedisCluster implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * How long a silent master counts as failing: short, so a failover takes about a
	 * second.
	 */
	private static final int NODE_TIMEOUT_MILLIS = 1000;

	private static final int MASTERS = 3;

	private final Path directory;

	private final String server;

	private final Map<Integer, Process> processes = new LinkedHashMap<>();

	private final Map<Integer, RedisClient> clients = new LinkedHashMap<>();

	private final Map<Integer, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();

	/**
	 * Kills the nodes when the JVM exits without {@link #close()} (a test class whose
	 * set-up failed half-way), so no redis-server outlives the build.
	 */
	private final Thread onExit = new Thread(this::close, "test-redis-cluster-shutdown");

	private TestRedisCluster(Path directory, String server) {
		this.directory = directory;
		this.server = server;
		Runtime.getRuntime().addShutdownHook(this.onExit);
	}

	/**
	 * Starts six nodes on free ports, makes them a cluster of three masters with one
	 * replica each, and waits until every node reports {@code cluster_state:ok}.
	 * @return the running cluster; close it when done
	 * @throws IllegalStateException when {@code redis-server} is not on the {@code PATH}
	 * or the cluster does not form in time
	 */
	public static TestRedisCluster start() {
		String server = onPath("redis-server");
		String cli = onPath("redis-cli");
		if (server == null || cli == null) {
			throw new IllegalStateException("TestRedisCluster needs redis-server and redis-cli 7.0 or later on the PATH"
					+ " (Debian: apt-get install redis-server)");
		}
		Path directory;
		try {
			directory = Files.createTempDirectory("ws-pubsub-redis-cluster");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		TestRedisCluster cluster = new TestRedisCluster(directory, server);
		try {
			List<Integer> ports = freePorts(2 * MASTERS);
			for (int port : ports) {
				cluster.startNode(port);
			}
			for (int port : ports) {
				cluster.awaitPing(port);
			}
			List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
			ports.forEach((port) -> create.add("127.0.0.1:" + port));
			create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
			run(create);
			cluster.await("every node to report cluster_state:ok with all slots and replicas", START_TIMEOUT,
					cluster::formed);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * The addresses of every live node, for {@code spring.data.redis.cluster.nodes}.
	 * @return {@code 127.0.0.1:port} of each node, comma-separated
	 */
	public String nodes() {
		return this.processes.keySet().stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(","));
	}

	/**
	 * Where each node keeps its files and its log ({@code <port>/redis.log}), until
	 * {@link #close()} deletes it.
	 * @return the temporary directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * The ports of the live nodes that are masters now, in port order.
	 * @return the master ports
	 */
	public List<Integer> masterPorts() {
		return this.processes.keySet().stream().filter((port) -> role(port).equals("master")).sorted().toList();
	}

	/**
	 * The port of the master serving {@code key}'s hash slot now.
	 * @param key a key or shard channel
	 * @return the master's port
	 */
	public int masterPortOf(String key) {
		int slot = SlotHash.getSlot(key);
		int owner = slotOwner(anyLive(), slot);
		if (owner < 0) {
			throw new IllegalStateException("No master serves slot " + slot + " of '" + key + "'");
		}
		return owner;
	}

	private static int slotOwner(RedisCommands<String, String> node, int slot) {
		for (Object range : node.clusterSlots()) {
			List<?> entry = (List<?>) range;
			long from = (Long) entry.get(0);
			long to = (Long) entry.get(1);
			if (slot >= from && slot <= to) {
				return ((Long) ((List<?>) entry.get(2)).get(1)).intValue();
			}
		}
		return -1;
	}

	/**
	 * Synchronous commands on a connection of the test's own to the node on {@code port}.
	 * @param port a live node's port
	 * @return the commands
	 */
	public synchronized RedisCommands<String, String> node(int port) {
		StatefulRedisConnection<String, String> current = this.connections.get(port);
		if (current == null || !current.isOpen()) {
			current = client(port).connect();
			this.connections.put(port, current);
		}
		return current.sync();
	}

	/**
	 * Waits until every replica of the master on {@code masterPort} has acknowledged all
	 * it was sent, so that a master killed next loses no write made before. ({@code WAIT}
	 * would not do from another connection than the writer's: it waits for that
	 * connection's own last write.)
	 * @param masterPort a live master's port
	 */
	public void awaitReplicas(int masterPort) {
		await("the replicas of the master on port " + masterPort + " to catch up", FAILOVER_TIMEOUT, () -> {
			String info = node(masterPort).info("replication");
			Matcher offset = Pattern.compile("master_repl_offset:(\\d+)").matcher(info);
			if (!offset.find()) {
				return false;
			}
			Matcher replicas = Pattern.compile("slave\\d+:[^\\r\\n]*offset=(\\d+)").matcher(info);
			boolean any = false;
			while (replicas.find()) {
				any = true;
				if (!replicas.group(1).equals(offset.group(1))) {
					return false;
				}
			}
			return any;
		});
	}

	/**
	 * Kills the master serving {@code key}'s slot, as a crash would look to its clients,
	 * and waits until a replica has taken over its slots and every live node reports
	 * {@code cluster_state:ok}.
	 * @param key a key or shard channel whose master to kill
	 * @return the port of the replica that is master now
	 */
	public int killMasterOf(String key) {
		int killed = masterPortOf(key);
		kill(killed);
		await("a replica to take over from the master on port " + killed, FAILOVER_TIMEOUT, () -> {
			try {
				int now = masterPortOf(key);
				return now != killed && this.processes.keySet().stream().allMatch(this::clusterOk);
			}
			catch (RuntimeException ex) {
				return false; // a node busy electing
			}
		});
		return masterPortOf(key);
	}

	/**
	 * Moves {@code key}'s hash slot, with its keys, to the master on {@code toPort}, as
	 * {@code redis-cli --cluster reshard} does one slot: importing and migrating states,
	 * {@code MIGRATE} of the slot's keys, then the slot assigned to its new master on
	 * every master. Returns once every live node says so.
	 * @param key a key or shard channel whose slot to move
	 * @param toPort the port of another master
	 */
	public void moveSlotOf(String key, int toPort) {
		int slot = SlotHash.getSlot(key);
		int fromPort = masterPortOf(key);
		if (fromPort == toPort) {
			throw new IllegalArgumentException("Slot " + slot + " of '" + key + "' is on port " + toPort + " already");
		}
		RedisCommands<String, String> from = node(fromPort);
		RedisCommands<String, String> to = node(toPort);
		String toId = to.clusterMyId();
		to.clusterSetSlotImporting(slot, from.clusterMyId());
		from.clusterSetSlotMigrating(slot, toId);
		for (List<String> keys = from.clusterGetKeysInSlot(slot, 100); !keys.isEmpty(); keys = from
			.clusterGetKeysInSlot(slot, 100)) {
			from.migrate("127.0.0.1", toPort, 0, 5000, MigrateArgs.Builder.keys(keys));
		}
		for (int master : masterPorts()) {
			node(master).clusterSetSlotNode(slot, toId);
		}
		await("every node to see slot " + slot + " on port " + toPort, FAILOVER_TIMEOUT,
				() -> this.processes.keySet().stream().allMatch((port) -> {
					try {
						return slotOwner(node(port), slot) == toPort;
					}
					catch (RuntimeException ex) {
						return false;
					}
				}));
	}

	/**
	 * Holds every write and publication sent to the node on {@code port}, as a master
	 * that falls behind would ({@code CLIENT PAUSE ... WRITE}): they wait unanswered in
	 * its connections, and its subscribers hear nothing of them, until
	 * {@link #resumeWrites(int)}, or by themselves after {@code atMost}. Reads,
	 * subscriptions and the cluster bus go on, so no replica takes over however long the
	 * pause.
	 * @param port a live master's port
	 * @param atMost when the node resumes by itself, should the test never resume it
	 */
	public void pauseWrites(int port, Duration atMost) {
		client(port, "PAUSE", String.valueOf(atMost.toMillis()), "WRITE");
	}

	/**
	 * Runs the writes and publications held by {@link #pauseWrites(int, Duration)}, in
	 * the order they came.
	 * @param port the paused node's port
	 */
	public void resumeWrites(int port) {
		client(port, "UNPAUSE");
	}

	// A CLIENT subcommand whose arguments Lettuce has no method for.
	private void client(int port, String... arguments) {
		CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
		for (String argument : arguments) {
			args.add(argument);
		}
		node(port).dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), args);
	}

	/**
	 * Kills the node on {@code port} without waiting for the cluster to notice.
	 * @param port a live node's port
	 */
	public synchronized void kill(int port) {
		StatefulRedisConnection<String, String> connection = this.connections.remove(port);
		if (connection != null) {
			connection.closeAsync();
		}
		Process process = this.processes.remove(port);
		if (process != null) {
			destroy(process);
		}
	}

	/** Kills every node and deletes their files. */
	@Override
	public synchronized void close() {
		if (Thread.currentThread() != this.onExit) {
			try {
				Runtime.getRuntime().removeShutdownHook(this.onExit);
			}
			catch (IllegalStateException ex) {
				// the JVM is exiting: the hook runs anyway
			}
		}
		// The clients before the nodes, with a quiet period: a reconnection to a killed
		// node registered while the event loops stop would never be closed, and Netty
		// would report its read buffer as a leak. Each client closes its connection:
		// closed here too, Lettuce would warn "Connection is already closed".
		this.connections.clear();
		this.clients.values().forEach((client) -> client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2)));
		this.clients.clear();
		this.processes.values().forEach(TestRedisCluster::destroy);
		this.processes.clear();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temporary directory left behind is no failure of the test
		}
	}

	private void startNode(int port) {
		Path dir = this.directory.resolve(String.valueOf(port));
		try {
			Files.createDirectories(dir);
			Process process = new ProcessBuilder(this.server, "--port", String.valueOf(port), "--bind", "127.0.0.1",
					"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
					String.valueOf(NODE_TIMEOUT_MILLIS), "--dir", dir.toString(), "--save", "", "--appendonly", "no",
					"--daemonize", "no")
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("redis.log").toFile())
				.start();
			this.processes.put(port, process);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private boolean formed() {
		try {
			for (int port : this.processes.keySet()) {
				Map<String, String> info = clusterInfo(port);
				if (!"ok".equals(info.get("cluster_state")) || !"16384".equals(info.get("cluster_slots_ok"))
						|| !String.valueOf(2 * MASTERS).equals(info.get("cluster_known_nodes"))) {
					return false;
				}
			}
			List<Integer> masters = masterPorts();
			// Each replica in sync with its master, so a master killed next has a replica
			// to take over.
			return masters.size() == MASTERS
					&& masters.stream().allMatch((port) -> node(port).info("replication").contains("state=online"));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private boolean clusterOk(int port) {
		return "ok".equals(clusterInfo(port).get("cluster_state"));
	}

	private Map<String, String> clusterInfo(int port) {
		Map<String, String> info = new LinkedHashMap<>();
		for (String line : node(port).clusterInfo().split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				info.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return info;
	}

	private String role(int port) {
		return String.valueOf(node(port).role().get(0));
	}

	private RedisCommands<String, String> anyLive() {
		RuntimeException last = null;
		for (int port : this.processes.keySet()) {
			try {
				RedisCommands<String, String> commands = node(port);
				commands.ping();
				return commands;
			}
			catch (RuntimeException ex) {
				last = ex;
			}
		}
		throw new IllegalStateException("No node of the cluster answers", last);
	}

	private synchronized RedisClient client(int port) {
		return this.clients.computeIfAbsent(port, (p) -> {
			return RedisClient.create(
					RedisURI.builder().withHost("127.0.0.1").withPort(p).withTimeout(Duration.ofSeconds(2)).build());
		});
	}

	private void awaitPing(int port) {
		await("redis-server on port " + port + " to answer PING", START_TIMEOUT, () -> {
			try {
				return "PONG".equals(node(port).ping());
			}
			catch (RuntimeException ex) {
				return false; // not listening yet
			}
		});
	}

	private void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Timed out after " + timeout + " waiting for " + what + "; node logs are in " + this.directory);
			}
			try {
				Thread.sleep(50); // processes settling: nothing to await but polling them
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for " + what, ex);
			}
		}
	}

	private static void run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(
						String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted running " + command, ex);
		}
	}

	private static void destroy(Process process) {
		try {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Ports free now whose cluster bus port (port + 10000) is free too. */
	private static List<Integer> freePorts(int count) {
		List<Integer> ports = new ArrayList<>();
		for (int attempt = 0; attempt < 1000 && ports.size() < count; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20_000, 55_000);
			if (!ports.contains(port) && isFree(port) && isFree(port + 10_000)) {
				ports.add(port);
			}
		}
		if (ports.size() < count) {
			throw new IllegalStateException("Found only " + ports.size() + " free port pairs of " + count);
		}
		return ports;
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static @Nullable String onPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

}
