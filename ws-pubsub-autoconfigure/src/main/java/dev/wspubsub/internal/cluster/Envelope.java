package dev.wspubsub.internal.cluster;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

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
 * publish id: the receiving node times the fan-out's lag with it.
 *
 * <p>
 * Versions {@value #VERSION_IDENTIFIED} and {@value #VERSION_POSITIONED_IDENTIFIED},
 * which this node sends now, carry after the node id the sender's incarnation (8 random
 * bytes per start) and its publish id (8 bytes, growing), then the time: together they
 * name the publication, so a receiver delivers a publication Redis carried twice once
 * (see {@link DeliveredIds}). The older versions are still read.
 *
 * <p>
 * Version {@value #VERSION_BATCH} carries several envelopes of one channel in one
 * publish: after the version byte, each envelope as a 4-byte length and its bytes, in the
 * order they were published. Only envelopes of version {@value #VERSION_IDENTIFIED} are
 * batched; a batch never holds a batch. A node that does not know this version counts
 * each batch as an undecodable message and drops it (see docs/SCALING.md on rolling
 * upgrades).
 */
final class Envelope {

	static final byte VERSION = 1;

	static final byte VERSION_POSITIONED = 2;

	static final byte VERSION_TIMED = 3;

	static final byte VERSION_POSITIONED_TIMED = 4;

	static final byte VERSION_IDENTIFIED = 5;

	static final byte VERSION_POSITIONED_IDENTIFIED = 6;

	static final byte VERSION_BATCH = 7;

	/** Bytes a batch adds: its version byte. */
	static final int BATCH_HEAD = 1;

	/** Bytes a batch adds per envelope: its length. */
	static final int BATCH_ENTRY_HEAD = Integer.BYTES;

	/** Size of the incarnation, the publish id and the time. */
	private static final int IDENTITY_AND_TIME = 3 * Long.BYTES;

	/**
	 * The largest payload a frame keeps as an array of its own (its header takes 4 bytes
	 * at most): a larger one is copied into a buffer of the frame anyway.
	 */
	private static final int SMALL_PAYLOAD_MAX = OutboundMessage.SMALL_FRAME_MAX - 4;

	private static final int FLAG_TEXT = 1;

	private static final int FLAG_COMPRESS = 2;

	/**
	 * The sender delivered it to its own subscribers already (without a position, while
	 * Redis was away).
	 */
	private static final int FLAG_DELIVERED_BY_SENDER = 4;

	private final byte[] nodeId;

	private final long incarnation;

	private final AtomicLong publishIds = new AtomicLong();

	/**
	 * @param nodeId this node's id, at most 255 bytes in UTF-8
	 */
	Envelope(String nodeId) {
		this(nodeId, new SecureRandom().nextLong());
	}

	Envelope(String nodeId, long incarnation) {
		this.nodeId = nodeId.getBytes(StandardCharsets.UTF_8);
		if (this.nodeId.length == 0 || this.nodeId.length > 255) {
			throw new IllegalArgumentException("Node id must be 1 to 255 bytes in UTF-8: '" + nodeId + "'");
		}
		this.incarnation = incarnation;
	}

	/** This start of this node, as receivers tell senders apart. */
	long incarnation() {
		return this.incarnation;
	}

	/**
	 * A fresh id for a publication of this node; ids grow in the order they are taken.
	 */
	long nextPublishId() {
		return this.publishIds.incrementAndGet();
	}

	/**
	 * Wraps the payload of {@code message} with this node's id; the message itself is not
	 * kept.
	 */
	ByteBuffer encode(OutboundMessage message) {
		return encode(message, nextPublishId());
	}

	/**
	 * As {@link #encode}, without a publish id yet: {@link #number} gives it one where
	 * publishes are dispatched, so ids follow the order publishes leave the node. Taken
	 * here, on the publishing threads, a thread paused between taking its id and queueing
	 * its publish lets thousands of later ids overtake it, and a receiver would take the
	 * late one for a resend it delivered already (see {@link DeliveredIds}).
	 */
	ByteBuffer encodeUnnumbered(OutboundMessage message) {
		return encode(message, 0);
	}

	/**
	 * Gives an envelope from {@link #encodeUnnumbered} its publish id; once, so that a
	 * resend keeps it.
	 */
	void number(ByteBuffer envelope) {
		if (version(envelope) != VERSION_IDENTIFIED || !isIdentified(envelope)) {
			return;
		}
		int at = envelope.position() + 3 + (envelope.get(envelope.position() + 2) & 0xFF) + Long.BYTES;
		if (envelope.getLong(at) == 0) {
			envelope.putLong(at, nextPublishId());
		}
	}

	private ByteBuffer encode(OutboundMessage message, long publishId) {
		int length = message.payloadLength();
		int head = 3 + this.nodeId.length + IDENTITY_AND_TIME;
		byte[] bytes = new byte[head + length];
		bytes[0] = VERSION_IDENTIFIED;
		bytes[1] = (byte) ((message.isText() ? FLAG_TEXT : 0) | (message.compress() ? FLAG_COMPRESS : 0));
		bytes[2] = (byte) this.nodeId.length;
		System.arraycopy(this.nodeId, 0, bytes, 3, this.nodeId.length);
		ByteBuffer.wrap(bytes, 3 + this.nodeId.length, IDENTITY_AND_TIME)
			.putLong(this.incarnation)
			.putLong(publishId)
			.putLong(System.currentTimeMillis());
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
		byte[] bytes = new byte[3 + this.nodeId.length + IDENTITY_AND_TIME];
		bytes[0] = VERSION_POSITIONED_IDENTIFIED;
		bytes[1] = (byte) ((text ? FLAG_TEXT : 0) | (compress ? FLAG_COMPRESS : 0)
				| (deliveredBySender ? FLAG_DELIVERED_BY_SENDER : 0));
		bytes[2] = (byte) this.nodeId.length;
		System.arraycopy(this.nodeId, 0, bytes, 3, this.nodeId.length);
		ByteBuffer.wrap(bytes, 3 + this.nodeId.length, IDENTITY_AND_TIME)
			.putLong(this.incarnation)
			.putLong(publishId)
			.putLong(System.currentTimeMillis());
		return bytes;
	}

	/** The envelopes in one batch, in order. */
	static ByteBuffer batch(List<ByteBuffer> envelopes) {
		int length = BATCH_HEAD;
		for (ByteBuffer envelope : envelopes) {
			length += BATCH_ENTRY_HEAD + envelope.remaining();
		}
		ByteBuffer batch = ByteBuffer.allocate(length).put(VERSION_BATCH);
		for (ByteBuffer envelope : envelopes) {
			batch.putInt(envelope.remaining()).put(envelope.duplicate());
		}
		return batch.flip();
	}

	/**
	 * The envelopes of a {@linkplain #batch batch}, in order, sharing its bytes.
	 * @throws IllegalArgumentException when {@code batch} is not a well-formed batch: no
	 * envelope of it is returned then
	 */
	static List<ByteBuffer> unbatch(ByteBuffer batch) {
		if (version(batch) != VERSION_BATCH) {
			throw new IllegalArgumentException("Not a batch of ws-pubsub envelopes");
		}
		List<ByteBuffer> envelopes = new ArrayList<>();
		int start = batch.position();
		int end = batch.limit();
		int at = start + BATCH_HEAD;
		while (at < end) {
			if (end - at < BATCH_ENTRY_HEAD) {
				throw new IllegalArgumentException("Batch ends in the length of an envelope, at byte " + (at - start));
			}
			int length = batch.getInt(at);
			at += BATCH_ENTRY_HEAD;
			if (length < 1 || length > end - at) {
				throw new IllegalArgumentException("Batch says an envelope of " + length + " bytes at byte "
						+ (at - start) + "; " + (end - at) + " follow");
			}
			ByteBuffer envelope = batch.duplicate().limit(at + length).position(at).slice();
			if (version(envelope) == VERSION_BATCH) {
				throw new IllegalArgumentException("Batch holds a batch at byte " + (at - start));
			}
			envelopes.add(envelope);
			at += length;
		}
		if (envelopes.isEmpty()) {
			throw new IllegalArgumentException("Batch holds no envelope");
		}
		return envelopes;
	}

	/** The version byte of an envelope, {@code -1} when empty. */
	static int version(ByteBuffer envelope) {
		return envelope.hasRemaining() ? envelope.get(envelope.position()) : -1;
	}

	/** Whether the envelope is of a topic with history. */
	static boolean isPositioned(ByteBuffer envelope) {
		int version = version(envelope);
		return version == VERSION_POSITIONED || version == VERSION_POSITIONED_TIMED
				|| version == VERSION_POSITIONED_IDENTIFIED;
	}

	/** Whether the envelope names its publication (incarnation and publish id). */
	static boolean isIdentified(ByteBuffer envelope) {
		int version = version(envelope);
		return (version == VERSION_IDENTIFIED || version == VERSION_POSITIONED_IDENTIFIED)
				&& envelope.remaining() >= 3 + (envelope.get(envelope.position() + 2) & 0xFF) + IDENTITY_AND_TIME;
	}

	/** The sender's incarnation in an {@linkplain #isIdentified identified} envelope. */
	static long incarnation(ByteBuffer envelope) {
		return envelope.getLong(envelope.position() + 3 + (envelope.get(envelope.position() + 2) & 0xFF));
	}

	/** The publish id in an {@linkplain #isIdentified identified} envelope. */
	static long publishId(ByteBuffer envelope) {
		return envelope.getLong(envelope.position() + 3 + (envelope.get(envelope.position() + 2) & 0xFF) + Long.BYTES);
	}

	/**
	 * When another node sent the envelope, by its wall clock in epoch milliseconds;
	 * {@code -1} when this node sent it, or the envelope carries no time.
	 */
	long sentByOtherAt(ByteBuffer envelope) {
		int start = envelope.position();
		int before = switch (version(envelope)) {
			case VERSION_TIMED -> 0;
			case VERSION_POSITIONED_TIMED -> Long.BYTES;
			case VERSION_IDENTIFIED, VERSION_POSITIONED_IDENTIFIED -> 2 * Long.BYTES;
			default -> -1;
		};
		if (before < 0 || envelope.remaining() < 3) {
			return -1;
		}
		int idLength = envelope.get(start + 2) & 0xFF;
		int at = start + 3 + idLength + before;
		if (envelope.limit() < at + Long.BYTES) {
			return -1;
		}
		return isOwn(envelope, start + 3, idLength) ? -1 : envelope.getLong(at);
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
			if (version != VERSION_POSITIONED && version != VERSION_POSITIONED_TIMED
					&& version != VERSION_POSITIONED_IDENTIFIED) {
				throw new IllegalArgumentException("Not a positioned ws-pubsub envelope");
			}
			int flags = in.get();
			int idLength = in.get() & 0xFF;
			boolean own = isOwn(in, idLength);
			in.position(in.position() + idLength);
			if (version == VERSION_POSITIONED_IDENTIFIED) {
				in.getLong(); // the incarnation
			}
			long publishId = in.getLong();
			if (version != VERSION_POSITIONED) {
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
		int start = envelope.position();
		int remaining = envelope.remaining();
		byte version = (remaining < 3) ? -1 : envelope.get(start);
		if (version != VERSION && version != VERSION_TIMED && version != VERSION_IDENTIFIED) {
			throw new IllegalArgumentException("Not a ws-pubsub envelope of version " + VERSION + ", " + VERSION_TIMED
					+ " or " + VERSION_IDENTIFIED);
		}
		int flags = envelope.get(start + 1);
		int idLength = envelope.get(start + 2) & 0xFF;
		int time = switch (version) {
			case VERSION_TIMED -> Long.BYTES;
			case VERSION_IDENTIFIED -> IDENTITY_AND_TIME;
			default -> 0;
		};
		if (remaining - 3 < idLength + time) {
			throw new IllegalArgumentException("Truncated ws-pubsub envelope");
		}
		if (isOwn(envelope, start + 3, idLength)) {
			return null;
		}
		boolean text = (flags & FLAG_TEXT) != 0;
		boolean compress = (flags & FLAG_COMPRESS) != 0;
		int payloadAt = start + 3 + idLength + time;
		int length = start + remaining - payloadAt;
		if (envelope.hasArray() && length <= SMALL_PAYLOAD_MAX) {
			// The usual message: its one copy is the array the frame keeps.
			int from = envelope.arrayOffset() + payloadAt;
			return OutboundMessage.handedOver(allocator, Arrays.copyOfRange(envelope.array(), from, from + length),
					text, compress);
		}
		return OutboundMessage.of(allocator, Unpooled.wrappedBuffer(envelope.duplicate().position(payloadAt)), text,
				compress);
	}

	private boolean isOwn(ByteBuffer envelope, int idAt, int idLength) {
		if (idLength != this.nodeId.length) {
			return false;
		}
		for (int i = 0; i < idLength; i++) {
			if (envelope.get(idAt + i) != this.nodeId[i]) {
				return false;
			}
		}
		return true;
	}

	private boolean isOwn(ByteBuffer in, int idLength) {
		return isOwn(in, in.position(), idLength);
	}

}
