package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code CLIENTS_COUNT=0} (no {@code ready} of their own), and the first client of each
 * room publishes a marker until one reaches every client of the room, which proves that
 * every node receives every room from Redis. Then each client is handed the {@code ready}
 * it waits for, on its own event loop. Marker messages never reach the wrapped listeners,
 * and none is in flight after that: a room's markers all come from one publisher, whose
 * order every node keeps, so an earlier marker cannot arrive after the last one.
 */
final class ClusterStart {

	private static final ByteBuf READY = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("ready", StandardCharsets.US_ASCII));

	private final Rooms rooms;

	private final List<Gate> gates = new ArrayList<>();

	/** Per room, the text its markers of the current attempt arrive as. */
	private volatile String[] markers;

	private volatile CountDownLatch seen = new CountDownLatch(0);

	/** The clients are named {@link Rooms#clientName} in connection order. */
	ClusterStart(Rooms rooms) {
		this.rooms = rooms;
		this.markers = new String[rooms.count()];
		Arrays.fill(this.markers, "");
	}

	/** Wraps the listener of the next connection, in connection order. */
	FrameListener gate(FrameListener delegate) {
		Gate gate = new Gate(delegate, this.rooms.of(this.gates.size()));
		this.gates.add(gate);
		return gate;
	}

	/**
	 * Publishes markers from the first channel of each room, one per attempt of
	 * {@code attemptMillis}, until every channel received its room's, then opens every
	 * gate. {@code channels} are in connection order, as the gates.
	 */
	void start(List<Channel> channels, long attemptMillis, int attempts) throws InterruptedException {
		int[] senders = new int[this.rooms.count()];
		Arrays.fill(senders, -1);
		for (int i = channels.size() - 1; i >= 0; i--) {
			senders[this.rooms.of(i)] = i;
		}
		for (int attempt = 1; attempt <= attempts; attempt++) {
			String text = "sync " + attempt;
			this.seen = new CountDownLatch(channels.size());
			String[] next = new String[senders.length];
			for (int room = 0; room < senders.length; room++) {
				next[room] = Rooms.clientName(senders[room]) + ": " + text;
			}
			this.markers = next;
			for (int sender : senders) {
				Channel channel = channels.get(sender);
				ByteBuf frame = channel.alloc().buffer(32);
				Frames.writeMasked(frame, Frames.TEXT, text.getBytes(StandardCharsets.US_ASCII));
				channel.writeAndFlush(frame, channel.voidPromise());
			}
			if (this.seen.await(attemptMillis, TimeUnit.MILLISECONDS)) {
				for (int i = 0; i < channels.size(); i++) {
					this.gates.get(i).open(channels.get(i));
				}
				System.out.printf("start: a marker reached all %d clients in %d room(s) (attempt %d)%n",
						channels.size(), senders.length, attempt);
				return;
			}
		}
		throw new IllegalStateException(this.seen.getCount() + " of " + channels.size()
				+ " clients never received a marker in " + attempts + " attempts");
	}

	/** Holds back everything before the start; afterwards a plain pass-through. */
	private final class Gate implements FrameListener {

		private final FrameListener delegate;

		private final int room;

		// Read and written on the channel's event loop only
		private boolean open;

		Gate(FrameListener delegate, int room) {
			this.delegate = delegate;
			this.room = room;
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
			else if (payload.toString(StandardCharsets.UTF_8).equals(ClusterStart.this.markers[this.room])) {
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
