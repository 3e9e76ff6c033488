package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * The start signal when the clients are spread over several nodes. A node's own
 * {@code ready} cannot serve: each node counts only its own clients, and a node's Redis
 * SUBSCRIBE follows its first local subscriber asynchronously. So the servers run with
 * {@code CLIENTS_COUNT=0} (no {@code ready} of their own), and the first client publishes
 * a marker until one reaches every client, which proves that every node receives the room
 * from Redis. Then each client is handed the {@code ready} it waits for, on its own event
 * loop. Marker messages never reach the wrapped listeners, and none is in flight after
 * that: all come from one publisher, whose order every node keeps, so an earlier marker
 * cannot arrive after the last one.
 */
final class ClusterStart {

	private static final ByteBuf READY = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("ready", StandardCharsets.US_ASCII));

	private final String senderName;

	private final List<Gate> gates = new ArrayList<>();

	private volatile String marker = "";

	private volatile CountDownLatch seen = new CountDownLatch(0);

	/** {@code senderName}: the name the first connection was opened with. */
	ClusterStart(String senderName) {
		this.senderName = senderName;
	}

	/** Wraps the listener of the next connection, in connection order. */
	FrameListener gate(FrameListener delegate) {
		Gate gate = new Gate(delegate);
		this.gates.add(gate);
		return gate;
	}

	/**
	 * Publishes markers from the first channel, one per attempt of {@code attemptMillis},
	 * until every channel received the same one, then opens every gate. {@code channels}
	 * are in connection order, as the gates.
	 */
	void start(List<Channel> channels, long attemptMillis, int attempts) throws InterruptedException {
		Channel sender = channels.get(0);
		for (int attempt = 1; attempt <= attempts; attempt++) {
			String text = "sync " + attempt;
			this.seen = new CountDownLatch(channels.size());
			this.marker = this.senderName + ": " + text;
			ByteBuf frame = sender.alloc().buffer(32);
			Frames.writeMasked(frame, Frames.TEXT, text.getBytes(StandardCharsets.US_ASCII));
			sender.writeAndFlush(frame, sender.voidPromise());
			if (this.seen.await(attemptMillis, TimeUnit.MILLISECONDS)) {
				for (int i = 0; i < channels.size(); i++) {
					this.gates.get(i).open(channels.get(i));
				}
				System.out.printf("start: a marker reached all %d clients (attempt %d)%n", channels.size(), attempt);
				return;
			}
		}
		throw new IllegalStateException(this.seen.getCount() + " of " + channels.size()
				+ " clients never received a marker in " + attempts + " attempts");
	}

	/** Holds back everything before the start; afterwards a plain pass-through. */
	private final class Gate implements FrameListener {

		private final FrameListener delegate;

		// Read and written on the channel's event loop only
		private boolean open;

		Gate(FrameListener delegate) {
			this.delegate = delegate;
		}

		void open(Channel channel) {
			channel.eventLoop().execute(() -> {
				this.open = true;
				this.delegate.onMessage(channel, READY.duplicate());
			});
		}

		@Override
		public void onMessage(Channel channel, ByteBuf payload) {
			if (this.open) {
				this.delegate.onMessage(channel, payload);
			}
			else if (payload.toString(StandardCharsets.UTF_8).equals(ClusterStart.this.marker)) {
				ClusterStart.this.seen.countDown();
			}
		}

		@Override
		public void onPong(Channel channel) {
			this.delegate.onPong(channel);
		}

		@Override
		public void onReadComplete(Channel channel) {
			this.delegate.onReadComplete(channel);
		}

	}

}
