package dev.wspubsub.internal.cluster;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * The bytes a publish travels in between nodes: a version byte, a flags byte (text,
 * compress), the sender's node id (length-prefixed), then the payload unchanged. Binary
 * on purpose: no JSON, no base64, one copy of the payload per publish.
 *
 * <p>
 * A publication of a topic with history is of version {@value #VERSION_POSITIONED}: after
 * the node id come the sender's publish id (8 bytes), then, written by the Redis script
 * that gave it its position, the epoch and the offset (each length-prefixed, the offset
 * in decimal) and the payload with the position stamped in.
 *
 * <p>
 * Versions {@value #VERSION_TIMED} and {@value #VERSION_POSITIONED_TIMED}, which this
 * node sends, are versions {@value #VERSION} and {@value #VERSION_POSITIONED} with the
 * sender's wall clock (epoch milliseconds, 8 bytes) after the node id, or after the
 * publish id: the receiving node times the fan-out's lag with it. The older versions are
 * still read.
 */
final class Envelope {

	static final byte VERSION = 1;

	static final byte VERSION_POSITIONED = 2;

	static final byte VERSION_TIMED = 3;

	static final byte VERSION_POSITIONED_TIMED = 4;

	private static final int FLAG_TEXT = 1;

	private static final int FLAG_COMPRESS = 2;

	/**
	 * The sender delivered it to its own subscribers already (without a position, while
	 * Redis was away).
	 */
	private static final int FLAG_DELIVERED_BY_SENDER = 4;

	private final byte[] nodeId;

	/**
	 * @param nodeId this node's id, at most 255 bytes in UTF-8
	 */
	Envelope(String nodeId) {
		this.nodeId = nodeId.getBytes(StandardCharsets.UTF_8);
		if (this.nodeId.length == 0 || this.nodeId.length > 255) {
			throw new IllegalArgumentException("Node id must be 1 to 255 bytes in UTF-8: '" + nodeId + "'");
		}
	}

	/**
	 * Wraps the payload of {@code message} with this node's id; the message itself is not
	 * kept.
	 */
	ByteBuffer encode(OutboundMessage message) {
		int length = message.payloadLength();
		int head = 3 + this.nodeId.length + Long.BYTES;
		byte[] bytes = new byte[head + length];
		bytes[0] = VERSION_TIMED;
		bytes[1] = (byte) ((message.isText() ? FLAG_TEXT : 0) | (message.compress() ? FLAG_COMPRESS : 0));
		bytes[2] = (byte) this.nodeId.length;
		System.arraycopy(this.nodeId, 0, bytes, 3, this.nodeId.length);
		ByteBuffer.wrap(bytes, 3 + this.nodeId.length, Long.BYTES).putLong(System.currentTimeMillis());
		ByteBuf payload = message.retainedPayload();
		try {
			payload.getBytes(payload.readerIndex(), bytes, head, length);
		}
		finally {
			payload.release();
		}
		return ByteBuffer.wrap(bytes);
	}

	/** The start of a positioned envelope, which the history script completes. */
	byte[] positionedHead(boolean text, boolean compress, boolean deliveredBySender, long publishId) {
		byte[] bytes = new byte[3 + this.nodeId.length + 2 * Long.BYTES];
		bytes[0] = VERSION_POSITIONED_TIMED;
		bytes[1] = (byte) ((text ? FLAG_TEXT : 0) | (compress ? FLAG_COMPRESS : 0)
				| (deliveredBySender ? FLAG_DELIVERED_BY_SENDER : 0));
		bytes[2] = (byte) this.nodeId.length;
		System.arraycopy(this.nodeId, 0, bytes, 3, this.nodeId.length);
		ByteBuffer.wrap(bytes, 3 + this.nodeId.length, 2 * Long.BYTES)
			.putLong(publishId)
			.putLong(System.currentTimeMillis());
		return bytes;
	}

	/** The version byte of an envelope, {@code -1} when empty. */
	static int version(ByteBuffer envelope) {
		return envelope.hasRemaining() ? envelope.get(envelope.position()) : -1;
	}

	/** Whether the envelope is of a topic with history. */
	static boolean isPositioned(ByteBuffer envelope) {
		int version = version(envelope);
		return version == VERSION_POSITIONED || version == VERSION_POSITIONED_TIMED;
	}

	/**
	 * When another node sent the envelope, by its wall clock in epoch milliseconds;
	 * {@code -1} when this node sent it, or the envelope carries no time.
	 */
	long sentByOtherAt(ByteBuffer envelope) {
		ByteBuffer in = envelope.duplicate();
		int version = version(in);
		if ((version != VERSION_TIMED && version != VERSION_POSITIONED_TIMED) || in.remaining() < 3) {
			return -1;
		}
		int idLength = in.get(in.position() + 2) & 0xFF;
		int at = in.position() + 3 + idLength + ((version == VERSION_POSITIONED_TIMED) ? Long.BYTES : 0);
		if (in.limit() < at + Long.BYTES) {
			return -1;
		}
		in.position(in.position() + 3);
		return isOwn(in, idLength) ? -1 : in.getLong(at);
	}

	/**
	 * Turns a positioned envelope into a frame for local delivery, which the caller
	 * releases.
	 * @throws IllegalArgumentException when the bytes are not a positioned envelope
	 */
	Positioned decodePositioned(ByteBuffer envelope, ByteBufAllocator allocator) {
		ByteBuffer in = envelope.duplicate();
		try {
			byte version = in.get();
			if (version != VERSION_POSITIONED && version != VERSION_POSITIONED_TIMED) {
				throw new IllegalArgumentException("Not a positioned ws-pubsub envelope");
			}
			int flags = in.get();
			int idLength = in.get() & 0xFF;
			boolean own = isOwn(in, idLength);
			in.position(in.position() + idLength);
			long publishId = in.getLong();
			if (version == VERSION_POSITIONED_TIMED) {
				in.getLong(); // the time it was sent
			}
			String epoch = ascii(in);
			long offset = Long.parseLong(ascii(in));
			byte[] payload = new byte[in.remaining()];
			in.get(payload);
			OutboundMessage message = OutboundMessage.positioned(allocator, payload, (flags & FLAG_TEXT) != 0,
					(flags & FLAG_COMPRESS) != 0, new StreamPosition(epoch, offset));
			return new Positioned(message, own, publishId, (flags & FLAG_DELIVERED_BY_SENDER) != 0);
		}
		catch (BufferUnderflowException | IndexOutOfBoundsException ex) {
			throw new IllegalArgumentException("Truncated positioned ws-pubsub envelope", ex);
		}
	}

	private static String ascii(ByteBuffer in) {
		byte[] bytes = new byte[in.get() & 0xFF];
		in.get(bytes);
		return new String(bytes, StandardCharsets.US_ASCII);
	}

	/**
	 * A positioned publication from Redis.
	 *
	 * @param own whether this node sent it
	 * @param deliveredBySender whether the sender's own subscribers had it already
	 */
	record Positioned(OutboundMessage message, boolean own, long publishId, boolean deliveredBySender) {
	}

	/**
	 * Turns an envelope from Redis into a frame for local delivery, which the caller
	 * releases.
	 * @return {@code null} when this node sent it (already delivered locally)
	 * @throws IllegalArgumentException when the bytes are not an envelope of this version
	 */
	@Nullable OutboundMessage decode(ByteBuffer envelope, ByteBufAllocator allocator) {
		ByteBuffer in = envelope.duplicate();
		byte version = (in.remaining() < 3) ? -1 : in.get();
		if (version != VERSION && version != VERSION_TIMED) {
			throw new IllegalArgumentException(
					"Not a ws-pubsub envelope of version " + VERSION + " or " + VERSION_TIMED);
		}
		int flags = in.get();
		int idLength = in.get() & 0xFF;
		int time = (version == VERSION_TIMED) ? Long.BYTES : 0;
		if (in.remaining() < idLength + time) {
			throw new IllegalArgumentException("Truncated ws-pubsub envelope");
		}
		if (isOwn(in, idLength)) {
			return null;
		}
		in.position(in.position() + idLength + time);
		return OutboundMessage.of(allocator, Unpooled.wrappedBuffer(in), (flags & FLAG_TEXT) != 0,
				(flags & FLAG_COMPRESS) != 0);
	}

	private boolean isOwn(ByteBuffer in, int idLength) {
		if (idLength != this.nodeId.length) {
			return false;
		}
		int start = in.position();
		for (int i = 0; i < idLength; i++) {
			if (in.get(start + i) != this.nodeId[i]) {
				return false;
			}
		}
		return true;
	}

}
