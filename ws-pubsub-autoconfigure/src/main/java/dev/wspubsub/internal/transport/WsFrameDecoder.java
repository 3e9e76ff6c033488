package dev.wspubsub.internal.transport;

import dev.wspubsub.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Reads the WebSocket frames (RFC 6455 §5) of one client connection from its bytes and
 * hands each whole frame straight to {@link Frames}, its payload unmasked in place in the
 * read buffer: no frame object, no copy and no pipeline event per message, where Netty's
 * decoder made all three. It refuses what Netty's decoder refused as ws-pubsub configured
 * it, with the same close codes: unmasked frames, reserved opcodes, reserved bits (RSV1
 * only on the first frame of a message, and only with permessage-deflate), fragmented or
 * over-125-byte control frames, a one-byte close body, lengths not in their shortest form
 * (which covers a 64-bit length with its top bit set), continuation frames outside a
 * message and new messages inside one (1002), frames over max-payload-length (1009, told
 * from the header alone). After a violation or the peer's close frame, whatever else
 * arrives is discarded.
 */
final class WsFrameDecoder extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder {

	static final int CONTINUATION = 0x0;

	static final int TEXT = 0x1;

	static final int BINARY = 0x2;

	static final int CLOSE = 0x8;

	static final int PING = 0x9;

	static final int PONG = 0xA;

	/** RSV1, as the 3 reserved bits read: permessage-deflate's "compressed" mark. */
	private static final int RSV1 = 0b100;

	/** Where the frames go, on the event loop. */
	interface Frames {

		/**
		 * A whole frame. {@code payload}'s readable bytes are the unmasked payload, lent
		 * for the call only: read them, neither keep nor release the buffer.
		 */
		void frame(int opcode, boolean fin, boolean compressed, ByteBuf payload);

		/** The peer broke the protocol; nothing more will come. */
		void violation(int closeCode, String reason);

	}

	private final Frames frames;

	private final int maxPayloadLength;

	private final boolean deflate;

	/** Bytes of a frame not yet whole, from earlier reads; null when none. */
	private @Nullable ByteBuf held;

	/** Whether a fragmented message has begun and not ended. */
	private boolean inMessage;

	/** After a violation or a close frame: nothing more is read. */
	private boolean done;

	/**
	 * Whether this read handed on a frame; if not, and reading is paused, more is read.
	 */
	private boolean handedFrame;

	/**
	 * @param deflate whether permessage-deflate was agreed, the only owner of a reserved
	 * bit
	 */
	WsFrameDecoder(Frames frames, int maxPayloadLength, boolean deflate) {
		this.frames = frames;
		this.maxPayloadLength = maxPayloadLength;
		this.deflate = deflate;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof ByteBuf bytes)) {
			ctx.fireChannelRead(msg);
			return;
		}
		if (this.done) {
			bytes.release();
			return;
		}
		ByteBuf in = cumulate(ctx, writable(ctx, bytes));
		this.held = null;
		try {
			while (!this.done && decodeOne(in)) {
				this.handedFrame = true;
			}
		}
		finally {
			if (this.done || !in.isReadable() || ctx.isRemoved()) {
				in.release();
			}
			else {
				this.held = in;
			}
		}
	}

	/**
	 * {@code in} itself if payloads can be unmasked in it, else a copy: a buffer that is
	 * read-only or shared must not change under its other holders.
	 */
	private static ByteBuf writable(ChannelHandlerContext ctx, ByteBuf in) {
		if (!in.isReadOnly() && in.refCnt() == 1) {
			return in;
		}
		try {
			return ctx.alloc().buffer(in.readableBytes()).writeBytes(in);
		}
		finally {
			in.release();
		}
	}

	/** {@code in} appended to what is held, as one buffer; {@code in} is taken over. */
	private ByteBuf cumulate(ChannelHandlerContext ctx, ByteBuf in) {
		ByteBuf held = this.held;
		if (held == null) {
			return in;
		}
		try {
			int needed = in.readableBytes();
			if (needed > held.maxFastWritableBytes() || held.refCnt() > 1 || held.isReadOnly()) {
				// Grows by doubling, so a large frame read in many pieces is copied a few
				// times, not once per read; only the unread bytes move.
				int wanted = held.readableBytes() + needed;
				ByteBuf bigger = ctx.alloc().buffer(ctx.alloc().calculateNewCapacity(wanted, Integer.MAX_VALUE));
				bigger.writeBytes(held);
				held.release();
				held = bigger;
			}
			held.writeBytes(in);
			return held;
		}
		finally {
			in.release();
		}
	}

	/**
	 * Hands on the frame at the start of {@code in} if it is whole, and moves past it.
	 * @return whether it did; false when more bytes are needed or the peer broke the
	 * protocol
	 */
	private boolean decodeOne(ByteBuf in) {
		int readable = in.readableBytes();
		if (readable < 2) {
			return false;
		}
		int start = in.readerIndex();
		int first = in.getUnsignedByte(start);
		int second = in.getUnsignedByte(start + 1);
		boolean fin = (first & 0x80) != 0;
		int rsv = (first & 0x70) >> 4;
		int opcode = first & 0x0F;
		String refused = refuseHeader(fin, rsv, opcode, (second & 0x80) != 0, second & 0x7F);
		if (refused != null) {
			return violation(CloseCodes.PROTOCOL_ERROR, refused);
		}
		int lengthField = second & 0x7F;
		int headerLength;
		long length;
		if (lengthField == 126) {
			if (readable < 4) {
				return false;
			}
			length = in.getUnsignedShort(start + 2);
			headerLength = 4;
		}
		else if (lengthField == 127) {
			if (readable < 10) {
				return false;
			}
			length = in.getLong(start + 2); // negative when the top bit is set: refused
			headerLength = 10;
		}
		else {
			length = lengthField;
			headerLength = 2;
		}
		if (headerLength > 2 && length < ((headerLength == 4) ? 126 : 65536)) {
			return violation(CloseCodes.PROTOCOL_ERROR,
					"invalid data frame length (not using minimal length encoding)");
		}
		if (length > this.maxPayloadLength) {
			return violation(CloseCodes.MESSAGE_TOO_BIG,
					"Max frame length of " + this.maxPayloadLength + " has been exceeded.");
		}
		int payloadIndex = start + headerLength + 4; // after the masking key
		if (readable < payloadIndex - start + length) {
			return false;
		}
		int payloadLength = (int) length;
		unmask(in, payloadIndex, payloadLength, in.getInt(payloadIndex - 4));
		if (opcode == CLOSE) {
			this.done = true;
		}
		else if (opcode < CLOSE) {
			this.inMessage = !fin;
		}
		int writerIndex = in.writerIndex();
		in.setIndex(payloadIndex, payloadIndex + payloadLength);
		try {
			this.frames.frame(opcode, fin, (rsv & RSV1) != 0, in);
		}
		finally {
			in.setIndex(payloadIndex + payloadLength, writerIndex);
		}
		return true;
	}

	/**
	 * @return why a frame with this first header byte and length field is refused (1002),
	 * null if it is not; checked in the order Netty's decoder checked
	 */
	private @Nullable String refuseHeader(boolean fin, int rsv, int opcode, boolean masked, int lengthField) {
		int allowedRsv = (this.deflate && (opcode == TEXT || opcode == BINARY)) ? RSV1 : 0;
		if ((rsv & ~allowedRsv) != 0) {
			return (opcode == CONTINUATION && rsv == RSV1 && this.deflate) ? "RSV1 set on a continuation frame"
					: "RSV != 0 and no extension negotiated, RSV:" + rsv;
		}
		if (!masked) {
			return "received a frame that is not masked as expected";
		}
		if (opcode > 7) {
			if (!fin) {
				return "fragmented control frame";
			}
			if (lengthField > 125) {
				return "control frame with payload length > 125 octets";
			}
			if (opcode != CLOSE && opcode != PING && opcode != PONG) {
				return "control frame using reserved opcode " + opcode;
			}
			if (opcode == CLOSE && lengthField == 1) {
				return "received close control frame with payload len 1";
			}
			return null;
		}
		if (opcode != CONTINUATION && opcode != TEXT && opcode != BINARY) {
			return "data frame using reserved opcode " + opcode;
		}
		if (!this.inMessage && opcode == CONTINUATION) {
			return "received continuation data frame outside fragmented message";
		}
		if (this.inMessage && opcode != CONTINUATION) {
			return "received non-continuation data frame while inside fragmented message";
		}
		return null;
	}

	private boolean violation(int code, String reason) {
		this.done = true;
		this.frames.violation(code, reason);
		return false;
	}

	/** XORs the payload with the 4-byte key, 8 bytes at a time while it can. */
	static void unmask(ByteBuf buf, int index, int length, int key) {
		long key8 = ((long) key << 32) | (key & 0xFFFFFFFFL);
		int end = index + length;
		int i = index;
		for (; i + 8 <= end; i += 8) {
			buf.setLong(i, buf.getLong(i) ^ key8);
		}
		if (i + 4 <= end) {
			buf.setInt(i, buf.getInt(i) ^ key);
			i += 4;
		}
		// Now i - index is a multiple of 4: the remaining bytes take the key's first
		// ones.
		for (int shift = 24; i < end; i++, shift -= 8) {
			buf.setByte(i, buf.getByte(i) ^ (key >>> shift));
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		// As Netty's decoders do: a read that made no frame asks for the rest of it even
		// while reading is paused, or a paused connection would never complete its frame.
		if (!this.handedFrame && !ctx.channel().config().isAutoRead()) {
			ctx.read();
		}
		this.handedFrame = false;
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		releaseHeld();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		releaseHeld();
	}

	private void releaseHeld() {
		if (this.held != null) {
			this.held.release();
			this.held = null;
		}
	}

}
