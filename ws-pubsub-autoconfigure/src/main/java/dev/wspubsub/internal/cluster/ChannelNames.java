package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Maps topics to Redis channel names and back: the channel is the prefix followed by the
 * topic, in UTF-8.
 */
final class ChannelNames {

	private final String prefix;

	private final byte[] prefixBytes;

	ChannelNames(String prefix) {
		this.prefix = prefix;
		this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
	}

	ByteBuffer channel(String topic) {
		return ByteBuffer.wrap((this.prefix + topic).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @return the topic of {@code channel}, or {@code null} when the channel is not one
	 * of ours
	 */
	@Nullable String topic(ByteBuffer channel) {
		ByteBuffer in = channel.duplicate();
		if (in.remaining() < this.prefixBytes.length) {
			return null;
		}
		for (byte b : this.prefixBytes) {
			if (in.get() != b) {
				return null;
			}
		}
		return StandardCharsets.UTF_8.decode(in).toString();
	}

	String prefix() {
		return this.prefix;
	}

}
