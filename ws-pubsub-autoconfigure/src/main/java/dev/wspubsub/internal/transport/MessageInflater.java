package dev.wspubsub.internal.transport;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of permessage-deflate (RFC 7692). RSV1 on a message's first frame
 * marks the whole message compressed (§6.1); its fragments are one deflate stream,
 * inflated as they arrive so that {@link FrameHandler} can check text early, and the
 * empty-block tail the sender removed is restored after the last (§7.2.2). A fragment may
 * inflate to nothing on its own: only the message has to make sense. Every violation is a
 * {@link CorruptedWebSocketFrameException} carrying its close status: RSV1 on a
 * continuation (1002), data that is not deflate (1007), a message inflating past
 * max-payload-length (1009, counted over the whole message, so a zip bomb stops at the
 * limit).
 */
final class MessageInflater extends WebSocketExtensionDecoder {

	/**
	 * RFC 7692 §7.2.2: the end of a sync flush, which senders strip from every message.
	 */
	private static final byte[] TAIL = { 0x00, 0x00, (byte) 0xFF, (byte) 0xFF };

	private final boolean noContextTakeover;

	private final int maxPayloadLength;

	/**
	 * Created on the first compressed message: connections that never compress hold no
	 * zlib state.
	 */
	private @Nullable Inflater inflater;

	/** Whether the message in progress is compressed, set by its first frame. */
	private boolean compressed;

	/** Bytes the message in progress has inflated to so far. */
	private long inflated;

	MessageInflater(boolean noContextTakeover, int maxPayloadLength) {
		this.noContextTakeover = noContextTakeover;
		this.maxPayloadLength = maxPayloadLength;
	}

	@Override
	public boolean acceptInboundMessage(Object msg) {
		// Control frames are never compressed and may come between fragments: they pass
		// through.
		return msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
				|| msg instanceof ContinuationWebSocketFrame;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
		boolean rsv1 = (frame.rsv() & WebSocketExtension.RSV1) != 0;
		if (frame instanceof ContinuationWebSocketFrame) {
			if (rsv1) {
				throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
						"RSV1 set on a continuation frame");
			}
		}
		else {
			this.compressed = rsv1;
			this.inflated = 0;
		}
		if (!this.compressed) {
			out.add(frame.retain());
			return;
		}
		ByteBuf content = inflate(ctx, frame.content(), frame.isFinalFragment());
		boolean fin = frame.isFinalFragment();
		int rsv = frame.rsv() & ~WebSocketExtension.RSV1;
		if (frame instanceof TextWebSocketFrame) {
			out.add(new TextWebSocketFrame(fin, rsv, content));
		}
		else if (frame instanceof BinaryWebSocketFrame) {
			out.add(new BinaryWebSocketFrame(fin, rsv, content));
		}
		else {
			out.add(new ContinuationWebSocketFrame(fin, rsv, content));
		}
	}

	private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf input, boolean last) {
		Inflater inflater = this.inflater;
		if (inflater == null) {
			inflater = new Inflater(true);
			this.inflater = inflater;
		}
		ByteBuf output = ctx.alloc().heapBuffer(initialCapacity(input.readableBytes()));
		try {
			inflate(inflater,
					(input.nioBufferCount() == 1) ? input.nioBuffer() : ByteBuffer.wrap(ByteBufUtil.getBytes(input)),
					output);
			if (last) {
				inflate(inflater, ByteBuffer.wrap(TAIL), output);
				if (this.noContextTakeover || inflater.finished()) {
					// The next message starts a new stream: the client dropped its
					// context, or ended the stream.
					inflater.reset();
				}
			}
			return output;
		}
		catch (DataFormatException ex) {
			output.release();
			throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
					"Invalid compressed data", ex);
		}
		catch (RuntimeException ex) {
			output.release();
			throw ex;
		}
	}

	private void inflate(Inflater inflater, ByteBuffer input, ByteBuf output) throws DataFormatException {
		inflater.setInput(input);
		while (!inflater.finished()) {
			if (!output.isWritable()) {
				// At most one byte past the limit, enough to know it is passed.
				long room = this.maxPayloadLength - this.inflated + 1;
				output.ensureWritable((int) Math.max(1, Math.min(output.capacity(), room)));
			}
			int n = inflater.inflate(output.nioBuffer(output.writerIndex(), output.writableBytes()));
			output.writerIndex(output.writerIndex() + n);
			this.inflated += n;
			if (this.inflated > this.maxPayloadLength) {
				throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
						"message over max-payload-length");
			}
			if (n == 0 && output.isWritable()) {
				if (inflater.needsDictionary()) {
					throw new DataFormatException("a preset dictionary is not part of permessage-deflate");
				}
				break; // needs more input: the next fragment brings it
			}
		}
		// After a final block (BFINAL) the stream is over: what input is left is not
		// inflated.
	}

	private int initialCapacity(int compressedLength) {
		long room = this.maxPayloadLength - this.inflated + 1;
		return (int) Math.max(1, Math.min(room, Math.max(256, 3L * compressedLength)));
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
		end();
		super.handlerRemoved(ctx);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		end();
		super.channelInactive(ctx);
	}

	private void end() {
		if (this.inflater != null) {
			this.inflater.end();
			this.inflater = null;
		}
	}

}
