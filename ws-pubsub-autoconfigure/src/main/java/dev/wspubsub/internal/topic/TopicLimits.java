package dev.wspubsub.internal.topic;

/**
 * What one client may ask of the topic space: a topic name costs a Redis channel, keys
 * and a map entry on every node that sees it, and each topic a connection holds costs a
 * subscription, so both are bounded for whatever acts for a client ({@code ws.subscribe},
 * {@code ws.publish}, an SSE stream); {@code server.publish} is trusted.
 *
 * @param maxTopicsPerConnection most topics one connection may hold at once; 0 for no
 * limit
 * @param maxTopicLength most characters in a topic name; 0 for no limit
 */
public record TopicLimits(int maxTopicsPerConnection, int maxTopicLength) {

	/** No limit at all. */
	public static final TopicLimits NONE = new TopicLimits(0, 0);

	public TopicLimits {
		if (maxTopicsPerConnection < 0) {
			throw new IllegalArgumentException(
					"maxTopicsPerConnection must not be negative, was " + maxTopicsPerConnection);
		}
		if (maxTopicLength < 0) {
			throw new IllegalArgumentException("maxTopicLength must not be negative, was " + maxTopicLength);
		}
	}

	public boolean isTooLong(String topic) {
		return this.maxTopicLength > 0 && topic.length() > this.maxTopicLength;
	}

	/** Whether a connection holding {@code held} topics may take one more. */
	public boolean mayHoldMore(int held) {
		return this.maxTopicsPerConnection <= 0 || held < this.maxTopicsPerConnection;
	}

	/** The error a client gets for a name over the length limit (which is not echoed). */
	public String tooLongError() {
		return "Topic name too long: at most " + this.maxTopicLength + " characters";
	}

	/** The error a client gets for one topic too many. */
	public String tooManyError(String topic) {
		return "Too many topics: at most " + this.maxTopicsPerConnection + " per connection, refused " + topic;
	}

}
