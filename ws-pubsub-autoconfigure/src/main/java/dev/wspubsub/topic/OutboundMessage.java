package dev.wspubsub.topic;

import java.nio.charset.StandardCharsets;

import dev.wspubsub.StreamPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * A message encoded once as a complete, unmasked WebSocket frame, shared by every local
 * subscriber: each gets a {@link #retainedFrame() retained duplicate} of the same bytes,
 * so fan-out to N connections costs no copy and no re-encoding. Reference counted: the
 * creator releases it once delivery has been handed out.
 */
public final class OutboundMessage {

	private static final int OPCODE_TEXT = 0x1;

	private static final int OPCODE_BINARY = 0x2;

	private final ByteBuf frame;

	private final int headerLength;

	private final boolean text;

	private final boolean compress;

	private final @Nullable StreamPosition position;

	private OutboundMessage(ByteBuf frame, int headerLength, boolean text, boolean compress,
			@Nullable StreamPosition position) {
		this.frame = frame;
		this.headerLength = headerLength;
		this.text = text;
		this.compress = compress;
		this.position = position;
	}

	private OutboundMessage(ByteBuf frame, int headerLength, boolean text, boolean compress) {
		this(frame, headerLength, text, compress, null);
	}

	/** Encodes {@code text} as a text frame in one buffer: header, then the UTF-8 bytes. */
	public static OutboundMessage text(ByteBufAllocator alloc, String text, boolean compress) {
		int length = ByteBufUtil.utf8Bytes(text);
		int header = headerLength(length);
		ByteBuf frame = alloc.buffer(header + length);
		writeHeader(frame, OPCODE_TEXT, length);
		ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
		return new OutboundMessage(frame, header, true, compress);
	}

	/** Encodes {@code bytes} (already UTF-8 when {@code text}) as one frame. */
	public static OutboundMessage bytes(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress) {
		return of(alloc, bytes, 0, bytes.length, text, compress);
	}

	/** Encodes a readable region of {@code payload} as one frame; the payload is copied, not retained. */
	public static OutboundMessage of(ByteBufAllocator alloc, ByteBuf payload, boolean text, boolean compress) {
		int length = payload.readableBytes();
		int header = headerLength(length);
		ByteBuf frame = alloc.buffer(header + length);
		writeHeader(frame, text ? OPCODE_TEXT : OPCODE_BINARY, length);
		frame.writeBytes(payload, payload.readerIndex(), length);
		return new OutboundMessage(frame, header, text, compress);
	}

	/**
	 * Encodes {@code bytes} as one frame of a topic with history: the publication at
	 * {@code position}, which subscribers use to drop what a replay already gave them.
	 */
	public static OutboundMessage positioned(ByteBufAllocator alloc, byte[] bytes, boolean text, boolean compress,
			StreamPosition position) {
		int header = headerLength(bytes.length);
		ByteBuf frame = alloc.buffer(header + bytes.length);
		writeHeader(frame, text ? OPCODE_TEXT : OPCODE_BINARY, bytes.length);
		frame.writeBytes(bytes);
		return new OutboundMessage(frame, header, text, compress, position);
	}

	private static OutboundMessage of(ByteBufAllocator alloc, byte[] bytes, int offset, int length, boolean text,
			boolean compress) {
		int header = headerLength(length);
		ByteBuf frame = alloc.buffer(header + length);
		writeHeader(frame, text ? OPCODE_TEXT : OPCODE_BINARY, length);
		frame.writeBytes(bytes, offset, length);
		return new OutboundMessage(frame, header, text, compress);
	}

	private static int headerLength(int payloadLength) {
		return payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
	}

	private static void writeHeader(ByteBuf frame, int opcode, int length) {
		frame.writeByte(0x80 | opcode); // FIN, no RSV bits: valid with or without permessage-deflate
		if (length < 126) {
			frame.writeByte(length);
		}
		else if (length < 65536) {
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
		return this.text;
	}

	/** Whether the publisher asked for compression where negotiated. */
	public boolean compress() {
		return this.compress;
	}

	/** Where this message sits in its topic's history; {@code null} for a topic without one. */
	public @Nullable StreamPosition position() {
		return this.position;
	}

	/** Payload size in bytes. */
	public int payloadLength() {
		return this.frame.writerIndex() - this.headerLength;
	}

	/** Frame size in bytes, header included. */
	public int frameLength() {
		return this.frame.writerIndex();
	}

	/** The whole encoded frame, retained for the caller, who hands it to a channel. */
	public ByteBuf retainedFrame() {
		return this.frame.retainedDuplicate();
	}

	/** Copies the whole encoded frame to the end of {@code target}. */
	public void copyFrameTo(ByteBuf target) {
		target.writeBytes(this.frame, 0, this.frame.writerIndex());
	}

	/** The payload alone, retained for the caller (for a frame object that an extension re-encodes). */
	public ByteBuf retainedPayload() {
		return this.frame.retainedSlice(this.headerLength, payloadLength());
	}

	/** The payload decoded as UTF-8. */
	public String text() {
		return this.frame.toString(this.headerLength, payloadLength(), StandardCharsets.UTF_8);
	}

	/** A copy of the payload. */
	public byte[] bytes() {
		return ByteBufUtil.getBytes(this.frame, this.headerLength, payloadLength());
	}

	/** Adds a reference, for a task that delivers later on another thread. */
	public OutboundMessage retain() {
		this.frame.retain();
		return this;
	}

	/** Drops a reference. */
	public void release() {
		this.frame.release();
	}
}
