package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Names the Redis channels of one cluster, in two spaces under the prefix that no name
 * can cross: a topic's channel is {@code <prefix>t:<topic>}, a node's own channel (its
 * liveness probe) is {@code <prefix>n:<kind>:<node-id>}. Whatever a client calls a topic,
 * its channel begins with {@code <prefix>t:}, so subscribing or unsubscribing a topic
 * never touches a node's channel.
 */
final class ChannelNames {

	private static final String TOPICS = "t:";

	private static final String NODES = "n:";

	private final String prefix;

	private final byte[] topicPrefixBytes;

	ChannelNames(String prefix) {
		this.prefix = prefix;
		this.topicPrefixBytes = (prefix + TOPICS).getBytes(StandardCharsets.UTF_8);
	}

	ByteBuffer channel(String topic) {
		return ByteBuffer.wrap((this.prefix + TOPICS + topic).getBytes(StandardCharsets.UTF_8));
	}

	/** The channel of one node's own traffic of {@code kind} (say {@code probe}). */
	ByteBuffer nodeChannel(String kind, String nodeId) {
		return ByteBuffer.wrap((this.prefix + NODES + kind + ":" + nodeId).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @return the topic of {@code channel}, or {@code null} when the channel is not a
	 * topic's channel of ours
	 */
	@Nullable String topic(ByteBuffer channel) {
		ByteBuffer in = channel.duplicate();
		if (in.remaining() < this.topicPrefixBytes.length) {
			return null;
		}
		for (byte b : this.topicPrefixBytes) {
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
