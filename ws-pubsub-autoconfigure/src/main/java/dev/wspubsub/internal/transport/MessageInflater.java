package dev.wspubsub.internal.transport;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.jspecify.annotations.Nullable;

/**
 * The receiving half of permessage-deflate (RFC 7692), used by {@link FrameHandler}. RSV1
 * on a message's first frame marks the whole message compressed (§6.1; the decoder
 * refuses it on any other frame); its fragments are one deflate stream, inflated as they
 * arrive so that {@link FrameHandler} can check text early, and the empty-block tail the
 * sender removed is restored after the last (§7.2.2). A fragment may inflate to nothing
 * on its own: only the message has to make sense. Every violation is a
 * {@link CorruptedWebSocketFrameException} carrying its close status: data that is not
 * deflate (1007), a message inflating past max-payload-length (1009, counted over the
 * whole message, so a zip bomb stops at the limit).
 */
final class MessageInflater {

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

	/** A message begins: compressed if its first frame has RSV1. */
	void begin(boolean compressed) {
		this.compressed = compressed;
		this.inflated = 0;
	}

	/** Whether the message in progress is compressed. */
	boolean isCompressed() {
		return this.compressed;
	}

	/**
	 * Inflates the readable bytes of one frame of a compressed message.
	 * @param last whether it is the message's last frame
	 * @return what they inflate to, which the caller releases
	 */
	ByteBuf inflate(ByteBufAllocator alloc, ByteBuf input, boolean last) {
		Inflater inflater = this.inflater;
		if (inflater == null) {
			inflater = new Inflater(true);
			this.inflater = inflater;
		}
		ByteBuf output = alloc.heapBuffer(initialCapacity(input.readableBytes()));
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

	/** Frees the zlib state; the connection is closed. */
	void end() {
		if (this.inflater != null) {
			this.inflater.end();
			this.inflater = null;
		}
	}

}
