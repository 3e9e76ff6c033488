package dev.wspubsub.bench.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/**
 * The chat benchmark client, after Bun's: N clients in one room, rounds of
 * {@code --messages} per client, each delivered to all N. With {@code --rooms R} (or
 * {@code --room-names}) the clients are spread over R rooms as {@link Rooms} says, each
 * message is delivered to the N/R members of its room, and each room runs its own rounds.
 * Prints delivered messages per second, then one {@code RESULT} line for the counted
 * window (after the warm-up): the median of the per-second counts and, given
 * {@code --server-pid}, the server's CPU time read from {@code /proc} at the window's two
 * ends; given {@code --redis-pid}, that process's too (the server's Redis, whose CPU is
 * not in the server's); given {@code --counters-url} (the ws-pubsub chat server's
 * {@code /bench/counters}), the bytes the server allocated per message it received and
 * per message delivered.
 * <p>
 * {@code --frames-per-write F} (default: the whole round) sends each client's round in
 * writes of F frames, each flushed: {@code 1} is what browsers and Bun's own client do
 * (every message its own {@code ws.send}); the default, one flushed buffer of 1,600
 * frames, lets the server read a whole round in one burst and is kept as the burst mode.
 *
 * <pre>
 * java -cp benchmarks-jmh.jar dev.wspubsub.bench.client.ChatLoad --port 4001 --clients 16 \
 *     --warmup 5 --duration 10 --server-pid 1234 --label ws-pubsub
 * </pre>
 *
 * With {@code --ports 4501,4502,4503} the clients are spread over the nodes of a cluster
 * in turn, and the client starts the run itself ({@link ClusterStart}; the servers run
 * with {@code CLIENTS_COUNT=0}).
 */
public final class ChatLoad {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private ChatLoad() {
	}

	public static void main(String[] argv) throws Exception {
		Args args = new Args(argv);
		int clients = args.getInt("clients", 16);
		int messages = args.getInt("messages", 1600);
		int warmup = args.getInt("warmup", 5);
		int duration = args.getInt("duration", 10);
		long serverPid = args.getLong("server-pid", 0);
		long clockTicks = args.getLong("clk-tck", 100);
		long redisPid = args.getLong("redis-pid", 0);
		String label = args.get("label", "server");

		LongAdder delivered = new LongAdder();
		CountDownLatch ready = new CountDownLatch(clients);
		// Default: the whole round in one write (the burst mode); 1 is one frame per
		// write and flush
		int framesPerWrite = args.getInt("frames-per-write", messages);
		long roundDelay = args.getLong("round-delay-ms", 0);
		try (Connector connector = Connector.fromArgs(args)) {
			Rooms rooms = Rooms.fromArgs(args, clients, connector.nodes());
			// Each room runs its own rounds: its members receive only its messages, and a
			// room does not wait for the others
			List<ChatRound> rounds = new ArrayList<>();
			for (int room = 0; room < rooms.count(); room++) {
				rounds.add(new ChatRound(messages, framesPerWrite, roundDelay));
			}
			ClusterStart clusterStart = args.get("ports", "").isEmpty() ? null : new ClusterStart(rooms);
			List<Future<Channel>> pending = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				ChatRound round = rounds.get(rooms.of(i));
				FrameListener client = new ChatClient(round, (long) messages * rooms.size(), ready, delivered);
				pending.add(connector.connectWithQuery(rooms.query(i),
						(clusterStart != null) ? clusterStart.gate(client) : client));
			}
			List<Channel> channels = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				Future<Channel> future = pending.get(i);
				if (!future.await(30, TimeUnit.SECONDS) || !future.isSuccess()) {
					throw new IllegalStateException("Could not connect to " + connector.target(), future.cause());
				}
				channels.add(future.getNow());
				rounds.get(rooms.of(i)).add(future.getNow());
			}
			if (clusterStart != null) {
				clusterStart.start(channels, 2000, 15);
			}
			if (!ready.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException(ready.getCount() + " of " + clients + " clients got no 'ready'");
			}
			System.out.printf(
					"%s: %d clients x %d messages, %d frames per write, %d room(s), warm-up %ds, counted %ds%n", label,
					clients, messages, Math.min(framesPerWrite, messages), rooms.count(), warmup, duration);
			String counters = args.get("counters-url", "");
			Window window = run(() -> rounds.forEach(ChatRound::start), delivered,
					new Window(duration, redisPid, counters.isEmpty() ? null : URI.create(counters)), warmup,
					serverPid);
			rounds.forEach(ChatRound::stop);
			window.print(label, clients, rooms.size(), rounds.stream().mapToLong(ChatRound::completed).sum(), serverPid,
					clockTicks);
			if (rounds.size() > 1) {
				// Whether the rooms kept level: a closed loop lets a slow room fall
				// behind.
				System.out.println("rounds by room (warm-up included): " + rounds.stream()
					.map((round) -> Long.toString(round.completed()))
					.collect(Collectors.joining(" / ")));
			}
			for (Channel channel : channels) {
				channel.close();
			}
		}
	}

	/** Runs rounds for the warm-up and the counted window, printing a line a second. */
	static Window run(Runnable firstRound, LongAdder delivered, Window window, int warmup, long serverPid) {
		int duration = window.seconds();
		if (warmup == 0) {
			window.begin(0, serverPid);
		}
		long start = System.nanoTime();
		firstRound.run();
		long last = 0;
		for (int second = 1; second <= warmup + duration; second++) {
			LockSupport.parkNanos(start + second * SECOND - System.nanoTime());
			long total = delivered.sum();
			long sample = total - last;
			last = total;
			boolean counted = second > warmup;
			System.out.printf(Locale.ROOT, "%s %3d  %,12d msg/s%n", counted ? "  " : "w ", second, sample);
			if (second == warmup) {
				window.begin(total, serverPid);
			}
			if (counted) {
				window.sample(sample);
			}
		}
		window.end(last, serverPid);
		return window;
	}

}
