package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Promise;

/**
 * Performs the HTTP upgrade with a fixed request and leaves the pipeline once the 101 is
 * in; bytes after the response head go on to the {@link FrameReader}. Minimal on purpose:
 * the benchmarks only talk to servers of this module, so the accept key is not checked.
 */
final class UpgradeHandler extends ByteToMessageDecoder {

	private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final int MAX_HEAD = 8192;

	private final String request;

	private final Promise<Channel> upgraded;

	UpgradeHandler(String host, int port, String pathAndQuery, Promise<Channel> upgraded) {
		this.request = "GET " + pathAndQuery + " HTTP/1.1\r\n" + "Host: " + host + ":" + port + "\r\n"
				+ "Upgrade: websocket\r\n" + "Connection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + "Sec-WebSocket-Version: 13\r\n\r\n";
		this.upgraded = upgraded;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(this.request.getBytes(StandardCharsets.US_ASCII)));
		super.channelActive(ctx);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		int end = endOfHead(in);
		if (end < 0) {
			if (in.readableBytes() > MAX_HEAD) {
				fail(ctx, "No end of response head in " + MAX_HEAD + " bytes");
			}
			return;
		}
		String head = in.toString(in.readerIndex(), end, StandardCharsets.US_ASCII);
		in.skipBytes(end + END_OF_HEAD.length);
		if (!head.startsWith("HTTP/1.1 101")) {
			fail(ctx, "Upgrade refused: " + head.lines().findFirst().orElse(head));
			return;
		}
		ctx.pipeline().remove(this);
		this.upgraded.trySuccess(ctx.channel());
	}

	/**
	 * Offset of the blank line after the head, relative to the reader index; -1 if not
	 * yet in.
	 */
	private static int endOfHead(ByteBuf in) {
		int from = in.readerIndex();
		int last = in.writerIndex() - END_OF_HEAD.length;
		for (int i = from; i <= last; i++) {
			if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
					&& in.getByte(i + 3) == '\n') {
				return i - from;
			}
		}
		return -1;
	}

	private void fail(ChannelHandlerContext ctx, String message) {
		this.upgraded.tryFailure(new IllegalStateException(message));
		ctx.close();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.upgraded.tryFailure(new IllegalStateException("Closed before the upgrade"));
		super.channelInactive(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.upgraded.tryFailure(cause);
		ctx.close();
	}

}
