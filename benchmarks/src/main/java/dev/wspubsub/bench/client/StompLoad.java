package dev.wspubsub.bench.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/**
 * The STOMP chat benchmark client: Bun's chat rounds over STOMP. N clients each connect
 * (STOMP 1.2, no heart-beats), subscribe to one room destination, and send their round of
 * {@code --messages} as {@code SEND} frames, each its own WebSocket message, written and
 * flushed on its own; a round ends when every client has every message of it. Sent to
 * {@code --destination /topic/room} (the default) the messages go through the broker
 * alone; sent to {@code /app/chat} they go through a {@code @MessageMapping} method that
 * relays them to the room. Prints delivered messages per second and one {@code RESULT}
 * line, as {@link ChatLoad} does.
 *
 * <pre>
 * java -cp benchmarks-jmh.jar dev.wspubsub.bench.client.StompLoad --port 4001 --path /stomp \
 *     --clients 16 --warmup 5 --duration 10 --server-pid 1234 --label ws-pubsub-stomp
 * </pre>
 */
public final class StompLoad {

	private StompLoad() {
	}

	public static void main(String[] argv) throws Exception {
		Args args = new Args(argv);
		int clients = args.getInt("clients", 16);
		int messages = args.getInt("messages", 1600);
		int warmup = args.getInt("warmup", 5);
		int duration = args.getInt("duration", 10);
		long serverPid = args.getLong("server-pid", 0);
		long clockTicks = args.getLong("clk-tck", 100);
		String label = args.get("label", "server");
		String room = args.get("room", "/topic/room");
		String destination = args.get("destination", room);

		LongAdder delivered = new LongAdder();
		LongAdder errors = new LongAdder();
		CountDownLatch subscribed = new CountDownLatch(clients);
		CountDownLatch ready = new CountDownLatch(clients);
		ChatRound round = new ChatRound(messages, 1, args.getLong("round-delay-ms", 0),
				(text) -> StompClient.sendFrame(destination, text));
		try (Connector connector = new Connector(args.get("host", "127.0.0.1"), new int[] { args.getInt("port", 4001) },
				args.get("path", "/stomp"), args.getInt("threads", 1))) {
			List<Future<Channel>> pending = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				pending.add(connector.connect("Client" + i,
						new StompClient(room, round, (long) messages * clients, subscribed, ready, delivered, errors)));
			}
			for (Future<Channel> future : pending) {
				if (!future.await(30, TimeUnit.SECONDS) || !future.isSuccess()) {
					throw new IllegalStateException("Could not connect to " + connector.target(), future.cause());
				}
				Channel channel = future.getNow();
				round.add(channel);
				StompClient.send(channel, StompClient.connectFrame("127.0.0.1"));
			}
			if (!subscribed.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException(subscribed.getCount() + " of " + clients + " clients got no CONNECTED"
						+ ((errors.sum() > 0) ? " (ERROR frames above)" : ""));
			}
			awaitReady(round.channels().get(0), destination, ready, clients);
			System.out.printf(
					"%s: %d STOMP clients x %d SEND frames to %s, each its own write, warm-up %ds, " + "counted %ds%n",
					label, clients, messages, destination, warmup, duration);
			Window window = ChatLoad.run(round::start, delivered, new Window(duration, 0), warmup, serverPid);
			round.stop();
			if (errors.sum() > 0) {
				throw new IllegalStateException(errors.sum() + " ERROR frames during the run; no result");
			}
			window.print(label, clients, clients, round.completed(), serverPid, clockTicks);
			for (Channel channel : round.channels()) {
				channel.close();
			}
		}
	}

	/**
	 * SUBSCRIBE has no answer without a receipt, and Spring's simple broker sends none:
	 * every client is ready once a probe sent to the room reaches it. Probes go out every
	 * 100 ms, for 30 s at most.
	 */
	private static void awaitReady(Channel prober, String destination, CountDownLatch ready, int clients)
			throws InterruptedException {
		String probe = StompClient.sendFrame(destination, StompClient.READY);
		for (int i = 0; i < 300; i++) {
			prober.eventLoop().execute(() -> StompClient.send(prober, probe));
			if (ready.await(100, TimeUnit.MILLISECONDS)) {
				return;
			}
		}
		throw new IllegalStateException(ready.getCount() + " of " + clients + " clients never got a probe");
	}

}
