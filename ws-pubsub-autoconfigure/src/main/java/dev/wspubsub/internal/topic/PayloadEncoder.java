package dev.wspubsub.internal.topic;

import java.nio.ByteBuffer;
import java.util.Objects;

import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns what users send or publish into an {@link OutboundMessage}: a {@code String} as
 * text, a {@code byte[]} or {@code ByteBuffer} as binary, anything else as JSON text.
 */
public final class PayloadEncoder {

	private final ObjectMapper objectMapper;

	private final ByteBufAllocator allocator;

	public PayloadEncoder(ObjectMapper objectMapper, ByteBufAllocator allocator) {
		this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
		this.allocator = Objects.requireNonNull(allocator, "allocator");
	}

	public OutboundMessage encode(Object message, boolean compress) {
		Objects.requireNonNull(message, "message");
		if (message instanceof String text) {
			return OutboundMessage.text(this.allocator, text, compress);
		}
		if (message instanceof byte[] bytes) {
			return OutboundMessage.bytes(this.allocator, bytes, false, compress);
		}
		if (message instanceof ByteBuffer buffer) {
			return OutboundMessage.of(this.allocator, Unpooled.wrappedBuffer(buffer.duplicate()), false, compress);
		}
		return OutboundMessage.handedOver(this.allocator, this.objectMapper.writeValueAsBytes(message), true, compress);
	}

	public ObjectMapper objectMapper() {
		return this.objectMapper;
	}

	public ByteBufAllocator allocator() {
		return this.allocator;
	}

}
