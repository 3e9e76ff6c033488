package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * The rounds of Bun's chat benchmark: every client sends its batch, and the next round
 * starts when every client has received every message of this one (clients x batch each).
 * The batch is encoded once and written to each client as one shared, flushed buffer.
 */
final class ChatRound {

	// Filled by the main thread before the first start(); the event loops only read it after
	private final List<Channel> channels = new ArrayList<>();

	private final ByteBuf batch;

	private final long delayMillis;

	private final AtomicInteger remaining = new AtomicInteger();

	private final AtomicLong completed = new AtomicLong();

	private volatile boolean stopped;

	ChatRound(int messages, long delayMillis) {
		this.batch = encodeBatch(messages);
		this.delayMillis = delayMillis;
	}

	/**
	 * Bun's client sends "Hello World!" and "Hello World! 1" to "Hello World! 49", over and
	 * over: 1,600 messages are 32 times that list.
	 */
	private static ByteBuf encodeBatch(int messages) {
		ByteBuf batch = Unpooled.directBuffer(messages * 24);
		for (int i = 0; i < messages; i++) {
			int k = i % 50;
			String text = (k == 0) ? "Hello World!" : "Hello World! " + k;
			Frames.writeMasked(batch, Frames.TEXT, text.getBytes(StandardCharsets.UTF_8));
		}
		return batch;
	}

	void add(Channel channel) {
		this.channels.add(channel);
	}

	void start() {
		this.remaining.set(this.channels.size());
		for (Channel channel : this.channels) {
			channel.writeAndFlush(this.batch.retainedDuplicate(), channel.voidPromise());
		}
	}

	/** One client has all the messages of the current round. */
	void clientDone(Channel last) {
		if (this.remaining.decrementAndGet() != 0) {
			return;
		}
		this.completed.incrementAndGet();
		if (this.stopped) {
			return;
		}
		if (this.delayMillis > 0) {
			last.eventLoop().schedule(this::start, this.delayMillis, TimeUnit.MILLISECONDS);
		}
		else {
			start();
		}
	}

	List<Channel> channels() {
		return this.channels;
	}

	long completed() {
		return this.completed.get();
	}

	/** No new round after the current one; frees the batch. */
	void stop() {
		this.stopped = true;
		this.batch.release();
	}
}
