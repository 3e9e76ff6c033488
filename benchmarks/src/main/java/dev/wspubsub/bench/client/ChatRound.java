package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * The rounds of Bun's chat benchmark: every client sends its batch, and the next round
 * starts when every client has received every message of this one (clients x batch each).
 * The batch is encoded once; each client writes it in slices of {@code framesPerWrite}
 * frames, each slice its own write and flush: 1 is a browser's or Bun's client (one
 * {@code ws.send} per message), the whole batch is one flushed buffer (the burst mode).
 */
final class ChatRound {

	// Filled by the main thread before the first start(); the event loops only read it
	// after
	private final List<Channel> channels = new ArrayList<>();

	private final ByteBuf batch;

	// Where each write ends in the batch: every framesPerWrite frames, and the batch's
	// end
	private final int[] writeEnds;

	private final long delayMillis;

	private final AtomicInteger remaining = new AtomicInteger();

	private final AtomicLong completed = new AtomicLong();

	private volatile boolean stopped;

	ChatRound(int messages, int framesPerWrite, long delayMillis) {
		this(messages, framesPerWrite, delayMillis, UnaryOperator.identity());
	}

	/**
	 * @param wrap what each chat text is sent as (a STOMP {@code SEND} frame carrying it,
	 * say)
	 */
	ChatRound(int messages, int framesPerWrite, long delayMillis, UnaryOperator<String> wrap) {
		if (framesPerWrite < 1) {
			throw new IllegalArgumentException("frames-per-write must be at least 1, got " + framesPerWrite);
		}
		int writes = (messages + framesPerWrite - 1) / framesPerWrite;
		this.writeEnds = new int[writes];
		this.batch = encodeBatch(messages, framesPerWrite, this.writeEnds, wrap);
		this.delayMillis = delayMillis;
	}

	/**
	 * Bun's client sends "Hello World!" and "Hello World! 1" to "Hello World! 49", over
	 * and over: 1,600 messages are 32 times that list.
	 */
	private static ByteBuf encodeBatch(int messages, int framesPerWrite, int[] writeEnds, UnaryOperator<String> wrap) {
		ByteBuf batch = Unpooled.directBuffer(messages * 24);
		for (int i = 0; i < messages; i++) {
			int k = i % 50;
			String text = (k == 0) ? "Hello World!" : "Hello World! " + k;
			Frames.writeMasked(batch, Frames.TEXT, wrap.apply(text).getBytes(StandardCharsets.UTF_8));
			if ((i + 1) % framesPerWrite == 0 || i + 1 == messages) {
				writeEnds[i / framesPerWrite] = batch.writerIndex();
			}
		}
		return batch;
	}

	void add(Channel channel) {
		this.channels.add(channel);
	}

	void start() {
		this.remaining.set(this.channels.size());
		for (Channel channel : this.channels) {
			// From its own loop, so per-frame writes are not each a task handed to it
			if (channel.eventLoop().inEventLoop()) {
				send(channel);
			}
			else {
				channel.eventLoop().execute(() -> send(channel));
			}
		}
	}

	// One client's batch, slice by slice, each slice written and flushed on its own
	private void send(Channel channel) {
		int from = 0;
		for (int end : this.writeEnds) {
			channel.writeAndFlush(this.batch.retainedSlice(from, end - from), channel.voidPromise());
			from = end;
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

	/**
	 * No new round after the current one. The batch is not released: a client finishing
	 * the round on its event loop right now may still be slicing it, and the process ends
	 * next.
	 */
	void stop() {
		this.stopped = true;
	}

}
