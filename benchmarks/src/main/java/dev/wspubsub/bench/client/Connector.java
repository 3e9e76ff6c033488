package dev.wspubsub.bench.client;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

/**
 * Opens WebSocket connections to the same endpoint on one or more server ports (the nodes
 * of a cluster), on native epoll where available. Successive connections go to the ports
 * in turn: the i-th to {@code ports[i % ports.length]}.
 */
final class Connector implements AutoCloseable {

	private final String host;

	private final int[] ports;

	private final String path;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	private int connections;

	Connector(String host, int[] ports, String path, int threads) {
		this.host = host;
		this.ports = ports.clone();
		this.path = path;
		boolean epoll = Epoll.isAvailable();
		this.group = new MultiThreadIoEventLoopGroup(threads,
				epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
	}

	/** {@code --ports 4501,4502,4503} (the nodes of a cluster), else {@code --port}. */
	static Connector fromArgs(Args args) {
		String ports = args.get("ports", args.get("port", "4001"));
		int[] parsed = Arrays.stream(ports.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
		return new Connector(args.get("host", "127.0.0.1"), parsed, args.get("path", "/ws"), args.getInt("threads", 1));
	}

	/** How many server ports (nodes) the connections are spread over. */
	int nodes() {
		return this.ports.length;
	}

	/**
	 * Connects as {@code ?name=name} to the next port in turn; the future completes once
	 * the upgrade succeeded. Called from one thread.
	 */
	Future<Channel> connect(String name, FrameListener listener) {
		return connectWithQuery("name=" + name, listener);
	}

	/**
	 * As {@link #connect}, with the whole query given (e.g.
	 * {@code name=Client7&room=room3}).
	 */
	Future<Channel> connectWithQuery(String query, FrameListener listener) {
		Promise<Channel> upgraded = ImmediateEventExecutor.INSTANCE.newPromise();
		String target = this.path + "?" + query;
		int port = this.ports[this.connections++ % this.ports.length];
		this.bootstrap.clone().handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline()
					.addLast(new UpgradeHandler(Connector.this.host, port, target, upgraded),
							new FrameReader(listener));
			}
		}).remoteAddress(this.host, port).connect().addListener((future) -> {
			if (!future.isSuccess()) {
				upgraded.tryFailure(future.cause());
			}
		});
		return upgraded;
	}

	/**
	 * Opens {@code count} connections, the i-th with {@code query.apply(i)} and
	 * {@code listener.apply(i)}, at most {@code inFlight} handshakes at a time so the
	 * server's accept queue never overflows.
	 */
	Opened connectAll(int count, IntFunction<String> query, IntFunction<FrameListener> listener, int inFlight)
			throws InterruptedException {
		Semaphore permits = new Semaphore(inFlight);
		Channel[] opened = new Channel[count];
		CountDownLatch done = new CountDownLatch(count);
		AtomicInteger failures = new AtomicInteger();
		for (int i = 0; i < count; i++) {
			if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("No handshake finished within 60 s");
			}
			int index = i;
			connectWithQuery(query.apply(i), listener.apply(i)).addListener((future) -> {
				if (future.isSuccess()) {
					opened[index] = (Channel) future.getNow();
				}
				else {
					failures.incrementAndGet();
				}
				permits.release();
				done.countDown();
			});
		}
		if (!done.await(300, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Handshakes still pending after 300 s");
		}
		// The latch's count-downs happen after each write to the array: all are visible
		// here
		return new Opened(Arrays.stream(opened).filter(Objects::nonNull).toList(), failures.get(), target());
	}

	/** The connections {@link #connectAll} opened, in order, and how many failed. */
	record Opened(List<Channel> channels, int failures, String target) {

		/** Every connection, index for index; fails if any did not open. */
		List<Channel> all() {
			if (this.failures > 0) {
				throw new IllegalStateException(this.failures + " of " + (this.channels.size() + this.failures)
						+ " connections to " + this.target + " failed");
			}
			return this.channels;
		}
	}

	String target() {
		return "ws://" + this.host + ":"
				+ Arrays.stream(this.ports).mapToObj(Integer::toString).collect(Collectors.joining(",")) + this.path;
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
	}

}
