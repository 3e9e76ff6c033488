package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Every Redis name the fan-out uses, made here and nowhere else: each topic's channel and
 * the keys of its history and presence, and the node channels the health probe travels
 * on.
 *
 * <p>
 * Channels live in two spaces under the prefix that no topic name can cross: topic
 * channels, which begin with {@code t:} on one Redis and with a brace on a cluster, and
 * node channels, {@code <prefix>$probe:{<node-id>}} in both modes (the node id is the
 * hash tag, tagged as a topic is). Whatever a client calls a topic, subscribing or
 * unsubscribing it never touches a node's channel.
 *
 * <p>
 * On one Redis (or Sentinel) a topic's channel is {@code <prefix>t:<topic>}, and its keys
 * are {@code <prefix>history:<topic>} and {@code <prefix>history-meta:<topic>}.
 *
 * <p>
 * On a Redis Cluster every name of a topic carries the same hash tag, so the topic's
 * shard channel, stream and metadata live in one hash slot and one script can touch them
 * all: the channel is {@code <prefix>{<topic>}} and the keys
 * {@code <prefix>history:{<topic>}}, {@code <prefix>history-meta:{<topic>}}. A topic that
 * is empty, contains {@code '}'} or starts with {@code '~'} would not make a tag of its
 * own; its tag is {@code ~} and the SHA-1 of the topic in hex, and the topic follows the
 * tag ({@code <prefix>{~<sha1>}<topic>}). Topic channels start with {@code <prefix>{};
 * node channels with {@code <prefix>$}, so no topic reaches them.
 */
final class ChannelNames {

	private static final String HASHED = "~";

	/**
	 * Where topic channels begin after the prefix on one Redis (on a cluster, a brace).
	 */
	private static final String TOPICS = "t:";

	/**
	 * Where node channels begin after the prefix, in both modes: neither {@code t:} nor a
	 * brace.
	 */
	private static final String NODES = "$";

	private final String prefix;

	/** What every topic channel begins with. */
	private final byte[] prefixBytes;

	private final boolean sharded;

	/**
	 * Names made or read lately, so a busy topic's name is not built or decoded for every
	 * message; cleared when it grows past {@value #CACHED}.
	 */
	private final Map<String, ByteBuffer> channels = new ConcurrentHashMap<>();

	private final Map<ByteBuffer, String> topics = new ConcurrentHashMap<>();

	static final int CACHED = 4096;

	private ChannelNames(String prefix, boolean sharded) {
		this.prefix = prefix;
		this.prefixBytes = (sharded ? prefix : prefix + TOPICS).getBytes(StandardCharsets.UTF_8);
		this.sharded = sharded;
	}

	/** Names for one Redis or Sentinel: classic channels, keys without hash tags. */
	static ChannelNames single(String prefix) {
		return new ChannelNames(prefix, false);
	}

	/**
	 * Names for a Redis Cluster: shard channels, and a topic's names in one slot.
	 * @throws IllegalArgumentException when the prefix contains a brace, which would
	 * become the hash tag of every name
	 */
	static ChannelNames sharded(String prefix) {
		if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"Channel prefix must not contain '{' or '}' on a Redis Cluster, but was '" + prefix + "'");
		}
		return new ChannelNames(prefix, true);
	}

	/** Whether these are names for a Redis Cluster, with shard channels. */
	boolean sharded() {
		return this.sharded;
	}

	ByteBuffer channel(String topic) {
		ByteBuffer channel = this.channels.get(topic);
		if (channel == null) {
			channel = utf8(this.prefix + (this.sharded ? tagged(topic) : TOPICS + topic));
			remember(this.channels, topic, channel);
		}
		return channel.duplicate(); // callers may move its position
	}

	private static <K, V> void remember(Map<K, V> cache, K key, V value) {
		if (cache.size() >= CACHED) {
			cache.clear();
		}
		cache.put(key, value);
	}

	/** The channel of this node's health probe. */
	ByteBuffer probe(String nodeId) {
		return utf8(this.prefix + NODES + "probe:" + tagged(nodeId));
	}

	/** The stream of {@code topic}'s newest publications. */
	ByteBuffer historyKey(String topic) {
		return utf8(this.prefix + "history:" + (this.sharded ? tagged(topic) : topic));
	}

	/** The epoch and offset counter of {@code topic}'s history. */
	ByteBuffer historyMetaKey(String topic) {
		return utf8(this.prefix + "history-meta:" + (this.sharded ? tagged(topic) : topic));
	}

	/**
	 * The hash of {@code topic}'s presence entries, {@code <prefix>presence:<topic>} in
	 * both modes: each presence command touches this key alone, so it needs no tag.
	 */
	ByteBuffer presenceKey(String topic) {
		return utf8(this.prefix + "presence:" + topic);
	}

	/**
	 * @return the topic of {@code channel}, or {@code null} when the channel is not one
	 * of a topic
	 */
	@Nullable String topic(ByteBuffer channel) {
		String topic = this.topics.get(channel);
		if (topic == null) {
			topic = decodeTopic(channel);
			if (topic != null) {
				remember(this.topics, copy(channel), topic);
			}
		}
		return topic;
	}

	// A key of its own: the caller's buffer may be reused or moved.
	private static ByteBuffer copy(ByteBuffer channel) {
		ByteBuffer in = channel.duplicate();
		byte[] bytes = new byte[in.remaining()];
		in.get(bytes);
		return ByteBuffer.wrap(bytes);
	}

	private @Nullable String decodeTopic(ByteBuffer channel) {
		ByteBuffer in = channel.duplicate();
		if (in.remaining() < this.prefixBytes.length) {
			return null;
		}
		for (byte b : this.prefixBytes) {
			if (in.get() != b) {
				return null;
			}
		}
		String rest = StandardCharsets.UTF_8.decode(in).toString();
		return this.sharded ? untagged(rest) : rest;
	}

	String prefix() {
		return this.prefix;
	}

	private static String tagged(String name) {
		if (name.isEmpty() || name.indexOf('}') >= 0 || name.startsWith(HASHED)) {
			return "{" + HASHED + sha1(name) + "}" + name;
		}
		return "{" + name + "}";
	}

	private static @Nullable String untagged(String rest) {
		if (!rest.startsWith("{")) {
			return null; // a node channel
		}
		int close = rest.indexOf('}');
		if (close < 0) {
			return null;
		}
		if (rest.startsWith(HASHED, 1)) {
			return rest.substring(close + 1);
		}
		return (close == rest.length() - 1) ? rest.substring(1, close) : null;
	}

	private static String sha1(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is missing from this JVM", ex);
		}
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
