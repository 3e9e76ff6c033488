package dev.wspubsub.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** What a benchmark does with the frames one connection receives. */
interface FrameListener {

	/**
	 * A complete data message (the last frame of a fragmented one); {@code payload} is a
	 * view valid only during the call, not to be released.
	 */
	void onMessage(Channel channel, ByteBuf payload);

	/** A pong arrived. */
	default void onPong(Channel channel) {
	}

	/** The end of one read from the socket: a natural point to publish counters. */
	default void onReadComplete(Channel channel) {
	}

}
