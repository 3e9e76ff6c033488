package dev.wspubsub.spi;

import java.nio.charset.StandardCharsets;

import dev.wspubsub.StreamPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * A message encoded once for every local subscriber. A small one (a frame of at most
 * {@link #SMALL_FRAME_MAX} bytes, the usual chat or event message) is an immutable byte
 * array that each subscriber's connection copies into its batch buffer: no reference
 * count, so handing it to other event loops costs no atomic operation on a counter those
 * loops share. A larger one is a complete, unmasked WebSocket frame in one
 * reference-counted buffer, and each subscriber gets a {@link #retainedFrame() retained
 * duplicate} of the same bytes: no copy and no re-encoding. Either way the creator
 * releases it once delivery has been handed out ({@link #retain()} and {@link #release()}
 * do nothing for a small one).
 */
public final class OutboundMessage {

	/** Largest frame, header included, held as a byte array and copied per subscriber. */
	public static final int SMALL_FRAME_MAX = 1024;

	private static final int OPCODE_TEXT = 0x1;

	private static final int OPCODE_BINARY = 0x2;

	private static final int TEXT = 1;

	private static final int COMPRESS = 2;

	/**
	 * The payload of a small message ({@code byte[]}), or the whole frame of a large one
	 * ({@code ByteBuf}): one field, and the lengths read from it, keep the object made
	 * per publish at 24 bytes.
	 */
	private final Object body;

	private final @Nullable StreamPosition position;

	/** {@link #TEXT} and {@link #COMPRESS}. */
	private final byte flags;

	private OutboundMessage(Object body, boolean text, boolean compress, @Nullable StreamPosition position) {
		this.body = body;
		this.flags = (byte) ((text ? TEXT : 0) | (compress ? COMPRESS : 0));
		this.position = position;
	}

	/** Encodes {@code text} as a text frame: header, then the UTF-8 bytes. */
	public static OutboundMessage text(ByteBufAllocator alloc, String text, boolean compress) {
		// At most 3 UTF-8 bytes per char: only a longer text needs measuring.
		if (!fitsSmall(text.length() * 3)) {
			int length = ByteBufUtil.utf8Bytes(text);
			if (!fitsSmall(length)) {
				ByteBuf frame = alloc.buffer(headerLength(length) + length);
				writeHeader(frame, OPCODE_TEXT, length);
				ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
				return new OutboundMessage(frame, true, compress, null);
			}
		}
		return small(text.getBytes(StandardCharsets.UTF_8), true, compress, null);
	}

	/**
	 * Encodes {@code bytes} (already UTF-8 when {@code text}) as one frame; the array is
	 * copied, not kept.
	 */
	public static OutboundMessage bytes(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress) {
		// Cloned only when kept: a large message copies the array into its frame anyway.
		return fitsSmall(bytes.length) ? small(bytes.clone(), text, compress, null)
				: large(alloc, bytes, text, compress, null);
	}

	/**
	 * Encodes {@code bytes} as one frame and keeps the array itself: for one the caller
	 * has just made (a serializer's output) and never changes again, so it is not copied
	 * twice.
	 */
	public static OutboundMessage handedOver(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress) {
		return keeping(alloc, bytes, text, compress, null);
	}

	/**
	 * Encodes a readable region of {@code payload} as one frame; the payload is copied,
	 * not retained.
	 */
	public static OutboundMessage of(ByteBufAllocator alloc, ByteBuf payload, boolean text, boolean compress) {
		int length = payload.readableBytes();
		if (fitsSmall(length)) {
			return small(ByteBufUtil.getBytes(payload), text, compress, null);
		}
		ByteBuf frame = alloc.buffer(headerLength(length) + length);
		writeHeader(frame, text ? OPCODE_TEXT : OPCODE_BINARY, length);
		frame.writeBytes(payload, payload.readerIndex(), length);
		return new OutboundMessage(frame, text, compress, null);
	}

	/**
	 * Encodes {@code bytes} as one frame of a topic with history: the publication at
	 * {@code position}, which subscribers use to drop what a replay already gave them.
	 * Like {@link #handedOver}, it keeps the array: the caller never changes it again.
	 */
	public static OutboundMessage positioned(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress,
			StreamPosition position) {
		return keeping(alloc, bytes, text, compress, position);
	}

	/**
	 * A small message keeps {@code bytes} itself; a large one copies them into its frame.
	 */
	private static OutboundMessage keeping(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress,
			@Nullable StreamPosition position) {
		return fitsSmall(bytes.length) ? small(bytes, text, compress, position)
				: large(alloc, bytes, text, compress, position);
	}

	/**
	 * The payload of {@code body} between {@code before} and {@code after}, as one frame
	 * of the same kind and position: for a protocol that wraps each message per
	 * subscriber, as STOMP's MESSAGE frame wraps it in headers and a NUL. A large body is
	 * shared, not copied; the caller still releases {@code body}, and releases the
	 * result.
	 */
	public static OutboundMessage wrapped(ByteBufAllocator alloc, byte[] before, OutboundMessage body, byte[] after) {
		int bodyLength = body.payloadLength();
		int length = before.length + bodyLength + after.length;
		byte[] small = body.smallPayload();
		if (fitsSmall(length)) {
			byte[] payload = new byte[length];
			System.arraycopy(before, 0, payload, 0, before.length);
			if (small != null) {
				System.arraycopy(small, 0, payload, before.length, small.length);
			}
			else {
				body.largeFrame().getBytes(headerLength(bodyLength), payload, before.length, bodyLength);
			}
			System.arraycopy(after, 0, payload, length - after.length, after.length);
			return small(payload, body.isText(), body.compress(), body.position);
		}
		ByteBuf head = alloc.buffer(headerLength(length) + before.length);
		writeHeader(head, body.isText() ? OPCODE_TEXT : OPCODE_BINARY, length);
		head.writeBytes(before);
		ByteBuf shared = (small != null) ? Unpooled.wrappedBuffer(small)
				: body.largeFrame().retainedSlice(headerLength(bodyLength), bodyLength);
		ByteBuf frame = alloc.compositeBuffer(3).addComponents(true, head, shared, Unpooled.wrappedBuffer(after));
		return new OutboundMessage(frame, body.isText(), body.compress(), body.position);
	}

	private static OutboundMessage large(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress,
			@Nullable StreamPosition position) {
		ByteBuf frame = alloc.buffer(headerLength(bytes.length) + bytes.length);
		writeHeader(frame, text ? OPCODE_TEXT : OPCODE_BINARY, bytes.length);
		frame.writeBytes(bytes);
		return new OutboundMessage(frame, text, compress, position);
	}

	private static boolean fitsSmall(int payloadLength) {
		return headerLength(payloadLength) + payloadLength <= SMALL_FRAME_MAX;
	}

	private static OutboundMessage small(byte[] payload, boolean text, boolean compress,
			@Nullable StreamPosition position) {
		return new OutboundMessage(payload, text, compress, position);
	}

	private static int headerLength(int payloadLength) {
		return payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
	}

	private static void writeHeader(ByteBuf frame, int opcode, int length) {
		// FIN, no RSV bits: valid with or without permessage-deflate
		if (length < 126) {
			frame.writeShort((0x80 | opcode) << 8 | length); // the usual case, in one
																// write
			return;
		}
		frame.writeByte(0x80 | opcode);
		if (length < 65536) {
			frame.writeByte(126);
			frame.writeShort(length);
		}
		else {
			frame.writeByte(127);
			frame.writeLong(length);
		}
	}

	/** Whether this is a text message. */
	public boolean isText() {
		return (this.flags & TEXT) != 0;
	}

	/** Whether the publisher asked for compression where negotiated. */
	public boolean compress() {
		return (this.flags & COMPRESS) != 0;
	}

	/**
	 * Where this message sits in its topic's history; {@code null} for a topic without
	 * one.
	 */
	public @Nullable StreamPosition position() {
		return this.position;
	}

	/** Payload size in bytes. */
	public int payloadLength() {
		return (this.body instanceof byte[] small) ? small.length : largePayloadLength(largeFrame());
	}

	/**
	 * A large frame's payload length, read from its header: 126 or 127 and the length.
	 */
	private static int largePayloadLength(ByteBuf frame) {
		int code = frame.getByte(1) & 0x7f;
		if (code < 126) {
			return code;
		}
		return (code == 126) ? frame.getUnsignedShort(2) : (int) frame.getLong(2);
	}

	/** Frame size in bytes, header included. */
	public int frameLength() {
		int payloadLength = payloadLength();
		return headerLength(payloadLength) + payloadLength;
	}

	/**
	 * The payload's byte at {@code index}, for a protocol that looks at how a message
	 * starts.
	 */
	public int payloadByte(int index) {
		int payloadLength = payloadLength();
		if (index < 0 || index >= payloadLength) {
			throw new IndexOutOfBoundsException("index " + index + " of a payload of " + payloadLength);
		}
		byte[] small = smallPayload();
		return (small != null) ? small[index] : largeFrame().getByte(headerLength(payloadLength) + index);
	}

	/** Whether this is a small message, copied per subscriber rather than shared. */
	public boolean isSmall() {
		return this.body instanceof byte[];
	}

	/** The whole encoded frame, retained for the caller, who hands it to a channel. */
	public ByteBuf retainedFrame() {
		byte[] small = smallPayload();
		if (small != null) {
			ByteBuf copy = Unpooled.buffer(frameLength());
			copyFrameTo(copy);
			return copy;
		}
		return largeFrame().retainedDuplicate();
	}

	/**
	 * Copies the whole encoded frame of a {@link #isSmall() small} message into
	 * {@code target} at {@code offset}, which must have room for {@link #frameLength()}
	 * bytes: plain array stores, for a batch of frames that is then written to a buffer
	 * at once.
	 * @return the frame's length
	 * @throws IllegalStateException if the message is not small
	 */
	public int copySmallFrameTo(byte[] target, int offset) {
		byte[] small = smallPayload();
		if (small == null) {
			throw new IllegalStateException("Not a small message: its frame is a buffer");
		}
		int length = small.length;
		int opcode = isText() ? OPCODE_TEXT : OPCODE_BINARY;
		int at = offset;
		target[at++] = (byte) (0x80 | opcode);
		if (length < 126) {
			target[at++] = (byte) length;
		}
		else {
			// A small frame's payload is under 65536 bytes: the 16-bit length form.
			target[at++] = 126;
			target[at++] = (byte) (length >>> 8);
			target[at++] = (byte) length;
		}
		System.arraycopy(small, 0, target, at, length);
		return at - offset + length;
	}

	/** Copies the whole encoded frame to the end of {@code target}. */
	public void copyFrameTo(ByteBuf target) {
		byte[] small = smallPayload();
		if (small != null) {
			writeHeader(target, isText() ? OPCODE_TEXT : OPCODE_BINARY, small.length);
			target.writeBytes(small);
		}
		else {
			ByteBuf frame = largeFrame();
			target.writeBytes(frame, 0, frame.writerIndex());
		}
	}

	/**
	 * The payload alone, retained for the caller (for a frame object that an extension
	 * re-encodes).
	 */
	public ByteBuf retainedPayload() {
		byte[] small = smallPayload();
		return (small != null) ? Unpooled.wrappedBuffer(small).asReadOnly()
				: largeFrame().retainedSlice(largeHeaderLength(), payloadLength());
	}

	/** The payload decoded as UTF-8. */
	public String text() {
		byte[] small = smallPayload();
		return (small != null) ? new String(small, StandardCharsets.UTF_8)
				: largeFrame().toString(largeHeaderLength(), payloadLength(), StandardCharsets.UTF_8);
	}

	/** A copy of the payload. */
	public byte[] bytes() {
		byte[] small = smallPayload();
		return (small != null) ? small.clone()
				: ByteBufUtil.getBytes(largeFrame(), largeHeaderLength(), payloadLength());
	}

	/**
	 * Adds a reference, for a task that delivers later on another thread; nothing to
	 * count for a small message.
	 */
	public OutboundMessage retain() {
		if (this.body instanceof ByteBuf frame) {
			frame.retain();
		}
		return this;
	}

	/** Drops a reference. */
	public void release() {
		if (this.body instanceof ByteBuf frame) {
			frame.release();
		}
	}

	private byte @Nullable [] smallPayload() {
		return (this.body instanceof byte[] small) ? small : null;
	}

	private ByteBuf largeFrame() {
		return (ByteBuf) this.body;
	}

	private int largeHeaderLength() {
		return headerLength(largePayloadLength(largeFrame()));
	}

}
