package dev.wspubsub.bench.client;

import java.util.concurrent.TimeUnit;

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

/** Opens WebSocket connections to one server endpoint, on native epoll where available. */
final class Connector implements AutoCloseable {

	private final String host;

	private final int port;

	private final String path;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	Connector(String host, int port, String path, int threads) {
		this.host = host;
		this.port = port;
		this.path = path;
		boolean epoll = Epoll.isAvailable();
		this.group = new MultiThreadIoEventLoopGroup(threads,
				epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
			.remoteAddress(host, port);
	}

	static Connector fromArgs(Args args) {
		return new Connector(args.get("host", "127.0.0.1"), args.getInt("port", 4001), args.get("path", "/ws"),
				args.getInt("threads", 1));
	}

	/** Connects as {@code ?name=name}; the future completes once the upgrade succeeded. */
	Future<Channel> connect(String name, FrameListener listener) {
		Promise<Channel> upgraded = ImmediateEventExecutor.INSTANCE.newPromise();
		String target = this.path + "?name=" + name;
		this.bootstrap.clone().handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline()
					.addLast(new UpgradeHandler(Connector.this.host, Connector.this.port, target, upgraded),
							new FrameReader(listener));
			}
		}).connect().addListener((future) -> {
			if (!future.isSuccess()) {
				upgraded.tryFailure(future.cause());
			}
		});
		return upgraded;
	}

	String target() {
		return "ws://" + this.host + ":" + this.port + this.path;
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
	}
}
