package dev.wspubsub.bench.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Holds idle WebSocket connections for {@link MemoryBenchmark}, which runs several of
 * these processes (one process may only open so many files). Commands on standard input,
 * one answer line each on standard output:
 * <ul>
 * <li>{@code open N}: grow to N connections; answers
 * {@code opened OPEN failed F closed C};
 * <li>{@code ping}: ping every connection; answers {@code pong ANSWERED of OPEN};
 * <li>{@code close}: close every connection; answers {@code closed N};
 * <li>{@code exit} (or end of input): close everything and exit.
 * </ul>
 */
public final class IdleClients {

	private static final int IN_FLIGHT = 200;

	private final Connector connector;

	private final String namePrefix;

	private final List<Channel> channels = new ArrayList<>();

	private final AtomicInteger closed = new AtomicInteger();

	private final IdleListener listener = new IdleListener();

	private int failed;

	private IdleClients(Connector connector, String namePrefix) {
		this.connector = connector;
		this.namePrefix = namePrefix;
	}

	public static void main(String[] argv) throws Exception {
		Args args = new Args(argv);
		try (Connector connector = Connector.fromArgs(args)) {
			IdleClients clients = new IdleClients(connector, args.get("name-prefix", "idle"));
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
				System.out.println(clients.execute(line.trim()));
				System.out.flush();
			}
			clients.closeAll();
		}
	}

	private String execute(String command) throws InterruptedException {
		if (command.startsWith("open ")) {
			openUpTo(Integer.parseInt(command.substring(5).trim()));
			return "opened " + this.channels.size() + " failed " + this.failed + " closed " + this.closed.get();
		}
		if (command.equals("ping")) {
			return "pong " + pingAll() + " of " + this.channels.size();
		}
		if (command.equals("close")) {
			int count = this.channels.size();
			for (Channel channel : this.channels) {
				channel.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
			}
			this.channels.clear();
			return "closed " + count;
		}
		return "error unknown command '" + command + "'";
	}

	// At most IN_FLIGHT handshakes at once, so the server's accept queue never overflows
	private void openUpTo(int target) throws InterruptedException {
		int first = this.channels.size();
		Connector.Opened opened = this.connector.connectAll(Math.max(0, target - first),
				(i) -> "name=" + this.namePrefix + (first + i), (i) -> this.listener, IN_FLIGHT);
		for (Channel channel : opened.channels()) {
			channel.closeFuture().addListener((f) -> this.closed.incrementAndGet());
		}
		this.channels.addAll(opened.channels());
		this.failed += opened.failures();
	}

	private long pingAll() throws InterruptedException {
		CountDownLatch pongs = new CountDownLatch(this.channels.size());
		this.listener.expect(pongs);
		for (Channel channel : this.channels) {
			ByteBuf ping = channel.alloc().buffer(14);
			Frames.writeMasked(ping, Frames.PING, "bench".getBytes(StandardCharsets.US_ASCII));
			channel.writeAndFlush(ping);
		}
		pongs.await(120, TimeUnit.SECONDS);
		return this.channels.size() - pongs.getCount();
	}

	private void closeAll() {
		for (Channel channel : this.channels) {
			channel.close();
		}
	}

	/** Counts pongs; an idle connection ignores whatever else the server sends. */
	private static final class IdleListener implements FrameListener {

		private volatile CountDownLatch pongs = new CountDownLatch(0);

		void expect(CountDownLatch pongs) {
			this.pongs = pongs;
		}

		@Override
		public void onMessage(Channel channel, ByteBuf payload) {
		}

		@Override
		public void onPong(Channel channel) {
			this.pongs.countDown();
		}

	}

}
