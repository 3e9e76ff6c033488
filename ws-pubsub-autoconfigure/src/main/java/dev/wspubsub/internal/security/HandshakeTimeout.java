package dev.wspubsub.internal.security;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Bounds how long a client may take to send a request's headers, against slow-loris
 * clients that hold connections (and upgrade slots) open by trickling bytes. Reactor
 * Netty's {@code idleTimeout} does not do this: every byte resets it. The clock starts
 * when a connection opens, or when the first byte of a request arrives on a kept-alive
 * one, and stops when the headers are decoded; a WebSocket upgrade request removes the
 * handlers for good, so an open WebSocket is never affected (its own idle timeout governs
 * it). Request bodies are left to {@code HttpServer.readTimeout}.
 * <p>
 * This is a <em>server-wide</em> guard, on purpose and documented as such
 * ({@code ws-pubsub.handshake-timeout}): it is installed on every HTTP/1.1 connection of
 * the application's Netty server, so the application's other routes get the same bound on
 * their request headers. It cannot be scoped to WebSocket endpoint paths, because a
 * slow-loris client is one whose headers never complete, and the path and the
 * {@code Upgrade} header are known only once they have. Routes are otherwise untouched:
 * the clock stops at the end of the headers, and an idle kept-alive connection is not
 * timed out until its next request begins.
 */
public final class HandshakeTimeout {

	private static final String FIRST_BYTES = "wspubsub.handshakeTimeout.bytes";

	private static final String HEADERS = "wspubsub.handshakeTimeout.headers";

	private final long timeoutNanos;

	private final AtomicLong timedOut = new AtomicLong();

	/**
	 * @param timeout the longest a request's headers may take; zero disables the timeout
	 */
	public HandshakeTimeout(Duration timeout) {
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		this.timeoutNanos = timeout.toNanos();
	}

	/** {@code server} with the timeout on each of its connections. */
	public HttpServer apply(HttpServer server) {
		if (this.timeoutNanos == 0) {
			return server;
		}
		return server.doOnChannelInit((observer, channel, remoteAddress) -> install(channel));
	}

	/** Connections closed for taking too long since start. */
	public long timedOut() {
		return this.timedOut.get();
	}

	void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpCodec) == null) {
			return; // HTTP/2 or a custom pipeline: nothing we can read headers from
		}
		Deadline deadline = new Deadline();
		pipeline.addBefore(NettyPipeline.HttpCodec, FIRST_BYTES, new FirstBytes(deadline));
		pipeline.addAfter(NettyPipeline.HttpCodec, HEADERS, new Headers(deadline));
	}

	/**
	 * The timer of one connection, shared by its two handlers; touched on its event loop
	 * only.
	 */
	private final class Deadline {

		private @Nullable ScheduledFuture<?> timer;

		/**
		 * Between a request's headers and the end of its body, when bytes are body bytes.
		 */
		private boolean inBody;

		void start(ChannelHandlerContext ctx) {
			if (this.timer == null && !this.inBody) {
				this.timer = ctx.executor()
					.schedule(() -> expire(ctx), HandshakeTimeout.this.timeoutNanos, TimeUnit.NANOSECONDS);
			}
		}

		void stop() {
			if (this.timer != null) {
				this.timer.cancel(false);
				this.timer = null;
			}
		}

		private void expire(ChannelHandlerContext ctx) {
			this.timer = null;
			HandshakeTimeout.this.timedOut.incrementAndGet();
			ctx.channel().close();
		}

	}

	private static final class FirstBytes extends ChannelInboundHandlerAdapter {

		private final Deadline deadline;

		FirstBytes(Deadline deadline) {
			this.deadline = deadline;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			if (ctx.channel().isActive()) {
				this.deadline.start(ctx);
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.deadline.start(ctx);
			ctx.fireChannelActive();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf) {
				this.deadline.start(ctx);
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			this.deadline.stop();
			ctx.fireChannelInactive();
		}

	}

	private static final class Headers extends ChannelInboundHandlerAdapter {

		private final Deadline deadline;

		Headers(Deadline deadline) {
			this.deadline = deadline;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof HttpRequest request) {
				this.deadline.stop();
				if (request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
					// From here on the connection is a WebSocket, or closes: never time
					// it out.
					ctx.pipeline().remove(this);
					ChannelPipeline pipeline = ctx.pipeline();
					if (pipeline.get(FIRST_BYTES) != null) {
						pipeline.remove(FIRST_BYTES);
					}
				}
				else {
					this.deadline.inBody = !(msg instanceof LastHttpContent);
				}
			}
			else if (msg instanceof LastHttpContent) {
				this.deadline.inBody = false;
			}
			ctx.fireChannelRead(msg);
		}

	}

}
