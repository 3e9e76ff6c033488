package dev.wspubsub.testapp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wspubsub.WsSession;
import dev.wspubsub.internal.transport.WsConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Counts the flushes that reach a connection's socket: each one is a separate write to
 * the kernel, so a separate TCP segment for the client when the connection is otherwise
 * idle.
 */
public final class FlushCounter extends ChannelOutboundHandlerAdapter {

	private final AtomicInteger flushes = new AtomicInteger();

	private final Channel channel;

	private FlushCounter(Channel channel) {
		this.channel = channel;
	}

	/**
	 * Counts from now on, next to the socket, so every flush of every handler above is
	 * seen.
	 */
	public static FlushCounter attach(WsSession<?> session) {
		Channel channel = ((WsConnection) session).channel();
		FlushCounter counter = new FlushCounter(channel);
		channel.pipeline().addFirst(counter);
		return counter;
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		this.flushes.incrementAndGet();
		ctx.flush();
	}

	public int flushes() {
		return this.flushes.get();
	}

	/**
	 * Lets the connection's event loop run everything queued so far, twice over, since a
	 * write queues its flush behind itself. Called on that loop, it returns at once:
	 * nothing else can run there meanwhile.
	 */
	public void letTheEventLoopRun() {
		if (this.channel.eventLoop().inEventLoop()) {
			return;
		}
		for (int i = 0; i < 2; i++) {
			try {
				this.channel.eventLoop().submit(() -> {
				}).get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new AssertionError("The event loop did not run a task in time", ex);
			}
		}
	}

}
