package dev.wspubsub.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.wspubsub.topic.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * The bytes a publish travels in between nodes: a version byte, a flags byte (text,
 * compress), the sender's node id (length-prefixed), then the payload unchanged. Binary
 * on purpose: no JSON, no base64, one copy of the payload per publish.
 */
final class Envelope {

	static final byte VERSION = 1;

	private static final int FLAG_TEXT = 1;

	private static final int FLAG_COMPRESS = 2;

	private final byte[] nodeId;

	/** @param nodeId this node's id, at most 255 bytes in UTF-8 */
	Envelope(String nodeId) {
		this.nodeId = nodeId.getBytes(StandardCharsets.UTF_8);
		if (this.nodeId.length == 0 || this.nodeId.length > 255) {
			throw new IllegalArgumentException("Node id must be 1 to 255 bytes in UTF-8: '" + nodeId + "'");
		}
	}

	/** Wraps the payload of {@code message} with this node's id; the message itself is not kept. */
	ByteBuffer encode(OutboundMessage message) {
		int length = message.payloadLength();
		byte[] bytes = new byte[3 + this.nodeId.length + length];
		bytes[0] = VERSION;
		bytes[1] = (byte) ((message.isText() ? FLAG_TEXT : 0) | (message.compress() ? FLAG_COMPRESS : 0));
		bytes[2] = (byte) this.nodeId.length;
		System.arraycopy(this.nodeId, 0, bytes, 3, this.nodeId.length);
		ByteBuf payload = message.retainedPayload();
		try {
			payload.getBytes(payload.readerIndex(), bytes, 3 + this.nodeId.length, length);
		}
		finally {
			payload.release();
		}
		return ByteBuffer.wrap(bytes);
	}

	/**
	 * Turns an envelope from Redis into a frame for local delivery, which the caller
	 * releases.
	 * @return {@code null} when this node sent it (already delivered locally)
	 * @throws IllegalArgumentException when the bytes are not an envelope of this version
	 */
	@Nullable OutboundMessage decode(ByteBuffer envelope, ByteBufAllocator allocator) {
		ByteBuffer in = envelope.duplicate();
		if (in.remaining() < 3 || in.get() != VERSION) {
			throw new IllegalArgumentException("Not a ws-pubsub envelope of version " + VERSION);
		}
		int flags = in.get();
		int idLength = in.get() & 0xFF;
		if (in.remaining() < idLength) {
			throw new IllegalArgumentException("Truncated ws-pubsub envelope");
		}
		if (isOwn(in, idLength)) {
			return null;
		}
		in.position(in.position() + idLength);
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
