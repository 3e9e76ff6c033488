package dev.wspubsub.sample.chat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;

/**
 * Many chat users on few threads: raw Netty WebSockets on two event loops, opened at a
 * bounded pace, and a pacer that has them speak, in turn, at a total rate.
 */
final class SoakClients implements AutoCloseable {

	/** A presence list of 10,000 users is a frame of about a megabyte. */
	private static final int MAX_FRAME = 16 * 1024 * 1024;

	private static final long TICK_MILLIS = 10;

	private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

	private final int port;

	private final SoakTraffic traffic;

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

	private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

	private final List<SoakMember> members = new ArrayList<>();

	private final AtomicBoolean pacing = new AtomicBoolean();

	private volatile double rate;

	/** Touched by the pacer's thread only. */
	private double owed;

	private int next;

	SoakClients(int port, SoakTraffic traffic) {
		this.port = port;
		this.traffic = traffic;
	}

	/**
	 * Opens {@code count} connections, users {@code 0..count-1} in rooms of
	 * {@code roomSize}, at most {@code inFlight} at a time, and waits until each has
	 * joined its room.
	 */
	List<SoakMember> connect(int count, int roomSize, int inFlight, Duration timeout) throws Exception {
		Semaphore permits = new Semaphore(inFlight);
		long deadline = System.nanoTime() + timeout.toNanos();
		List<CompletableFuture<Void>> joins = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				throw new IllegalStateException("Only " + i + " of " + count + " users joined within " + timeout);
			}
			SoakMember member = new SoakMember(i, roomSize, this.traffic);
			this.members.add(member);
			open(member);
			member.joined().whenComplete((ok, failure) -> permits.release());
			joins.add(member.joined());
		}
		CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new))
			.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		return List.copyOf(this.members);
	}

	private void open(SoakMember member) {
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/ws?username=u" + member.index());
		WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
			.webSocketUri(uri)
			.maxFramePayloadLength(MAX_FRAME)
			.handleCloseFrames(false)
			.handshakeTimeoutMillis(60_000)
			.build();
		new Bootstrap().group(this.group)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			// The node's buffers are what is watched for leaks; tracking the clients' too
			// (paranoid in the
			// test suite) would make the clients, not the node, what limits the rate.
			.option(ChannelOption.ALLOCATOR, UNTRACKED)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline()
						.addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
								new WebSocketClientProtocolHandler(config), member);
				}
			})
			.connect("127.0.0.1", this.port)
			.addListener((future) -> {
				if (!future.isSuccess()) {
					member.joined().completeExceptionally(future.cause());
				}
			});
	}

	/**
	 * Has the users speak at {@code messagesPerSecond} in all, one after another, so each
	 * says something every {@code users / messagesPerSecond} seconds; 0 stops them.
	 */
	void pace(double messagesPerSecond) {
		this.rate = messagesPerSecond;
		if (this.pacing.compareAndSet(false, true)) {
			this.pacer.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	private void tick() {
		double rate = this.rate;
		// At most a tenth of a second owed: a late tick sends a little burst, not a
		// flood.
		this.owed = Math.min(this.owed + rate * TICK_MILLIS / 1000.0, Math.max(rate / 10, 1));
		try {
			while (this.owed >= 1) {
				this.owed--;
				this.members.get(this.next).send();
				this.next = (this.next + 1) % this.members.size();
			}
		}
		catch (RuntimeException ex) {
			this.traffic.problem("The pacer failed: " + ex); // a scheduled task that
																// throws stops without a
																// word
			throw ex;
		}
	}

	/** Stops the users speaking and waits until the last send has been handed over. */
	void stopPacing() throws InterruptedException {
		this.rate = 0;
		this.pacer.shutdown();
		if (!this.pacer.awaitTermination(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The pacer did not stop");
		}
	}

	@Override
	public void close() {
		this.pacer.shutdownNow();
		this.members.forEach(SoakMember::close);
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
	}

}
