package dev.wspubsub.bench.client;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits the server's byte stream into frames without copying or decoding them: a data
 * frame is handed to the listener as a slice, a ping is answered, a close is echoed. The
 * counting clients thus spend no time on text the benchmark never looks at.
 */
final class FrameReader extends ByteToMessageDecoder {

	private final FrameListener listener;

	FrameReader(FrameListener listener) {
		this.listener = listener;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		while (in.readableBytes() >= 2) {
			int start = in.readerIndex();
			int b0 = in.getUnsignedByte(start);
			int b1 = in.getUnsignedByte(start + 1);
			boolean masked = (b1 & 0x80) != 0;
			long length = b1 & 0x7F;
			int header = 2;
			if (length == 126) {
				if (in.readableBytes() < 4) {
					return;
				}
				length = in.getUnsignedShort(start + 2);
				header = 4;
			}
			else if (length == 127) {
				if (in.readableBytes() < 10) {
					return;
				}
				length = in.getLong(start + 2);
				header = 10;
			}
			if (masked) {
				header += 4; // servers do not mask; tolerated and skipped rather than
								// unmasked
			}
			if (length > Integer.MAX_VALUE - header) {
				throw new IllegalStateException("Frame of " + length + " bytes");
			}
			int total = header + (int) length;
			if (in.readableBytes() < total) {
				return;
			}
			ByteBuf payload = in.slice(start + header, (int) length);
			in.skipBytes(total);
			handle(ctx, b0, payload);
		}
	}

	private void handle(ChannelHandlerContext ctx, int b0, ByteBuf payload) {
		int opcode = b0 & 0x0F;
		boolean fin = (b0 & 0x80) != 0;
		switch (opcode) {
			case Frames.PING -> {
				ByteBuf pong = ctx.alloc().buffer(payload.readableBytes() + 6);
				Frames.writeMasked(pong, Frames.PONG, payload);
				ctx.writeAndFlush(pong);
			}
			case Frames.PONG -> this.listener.onPong(ctx.channel());
			case Frames.CLOSE -> {
				ByteBuf close = ctx.alloc().buffer(payload.readableBytes() + 6);
				Frames.writeMasked(close, Frames.CLOSE, payload);
				ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
			}
			default -> {
				if (fin) {
					this.listener.onMessage(ctx.channel(), payload);
				}
			}
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		this.listener.onReadComplete(ctx.channel());
		super.channelReadComplete(ctx);
	}

}
