package dev.wspubsub.internal.transport;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Holds what a client sends right behind its handshake until the connection's own
 * handlers are in place. Between the 101 and {@link Upgrader}'s open, Reactor Netty's
 * decoder may already turn bytes into frames (a read Reactor asks for as the handshake
 * completes), and bytes that came in the same packet as the upgrade request are passed on
 * undecoded when the HTTP codec leaves. Both would reach Reactor's inbound, which
 * ws-pubsub never reads: the client's first messages would be lost, and their buffers
 * never released.
 */
final class EarlyFrames extends ChannelInboundHandlerAdapter {

	static final String NAME = "wspubsub.earlyFrames";

	/** More than this before the connection opens is no client that waits for its 101. */
	private static final int LIMIT = 64;

	/** Frames, and raw bytes still to be decoded, in arrival order. */
	private final ArrayDeque<Object> held = new ArrayDeque<>();

	private @Nullable ChannelHandlerContext context;

	private boolean opened;

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof WebSocketFrame) && !(msg instanceof ByteBuf)) {
			ctx.fireChannelRead(msg); // the upgrade request itself, on its way to Reactor
			return;
		}
		if (this.held.size() == LIMIT) {
			ReferenceCountUtil.release(msg);
			ctx.close();
			return;
		}
		this.held.add(msg);
	}

	/**
	 * Leaves the pipeline and hands over what it holds, in order: frames to the handlers
	 * that followed it, raw bytes to the pipeline's start, through the connection's own
	 * decoder. Event loop only.
	 */
	void release() {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null || ctx.isRemoved()) {
			return; // closed meanwhile: handlerRemoved has released what was held
		}
		this.opened = true;
		ctx.pipeline().remove(this);
		Object msg;
		while ((msg = this.held.poll()) != null) {
			if (msg instanceof ByteBuf bytes) {
				ctx.pipeline().fireChannelRead(bytes);
			}
			else {
				// A removed context still forwards to the handler that followed it.
				ctx.fireChannelRead(msg);
			}
		}
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.opened) {
			return;
		}
		// Removed with the channel before the connection opened: nobody will read these.
		Object msg;
		while ((msg = this.held.poll()) != null) {
			ReferenceCountUtil.release(msg);
		}
	}

}
