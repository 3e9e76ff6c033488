package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One STOMP chat benchmark client: on {@code CONNECTED} it subscribes to the room; it is
 * ready once a {@code ready} probe comes back through the room; then it counts the
 * {@code MESSAGE} frames of each round, reading no more of each than its first byte and
 * its end. Frames are found by their NUL, so several STOMP frames in one WebSocket
 * message count each. Touched only from its channel's event loop.
 */
final class StompClient implements FrameListener {

	/** The probe body: a frame ending with it is not a chat message. */
	static final String READY = "ready";

	private static final byte[] READY_TAIL = ("\n\n" + READY).getBytes(StandardCharsets.US_ASCII);

	private final String room;

	private final ChatRound round;

	private final long perRound;

	private final CountDownLatch subscribed;

	private final CountDownLatch ready;

	private final LongAdder delivered;

	private final LongAdder errors;

	private boolean isReady;

	private long inRound;

	private long uncounted;

	StompClient(String room, ChatRound round, long perRound, CountDownLatch subscribed, CountDownLatch ready,
			LongAdder delivered, LongAdder errors) {
		this.room = room;
		this.round = round;
		this.perRound = perRound;
		this.subscribed = subscribed;
		this.ready = ready;
		this.delivered = delivered;
		this.errors = errors;
	}

	/** The frame every client opens with: STOMP 1.2, no heart-beats. */
	static String connectFrame(String host) {
		return "CONNECT\naccept-version:1.2\nhost:" + host + "\nheart-beat:0,0\n\n\0";
	}

	/** A {@code SEND} of {@code text} to {@code destination}. */
	static String sendFrame(String destination, String text) {
		return "SEND\ndestination:" + destination + "\ncontent-type:text/plain\n\n" + text + "\0";
	}

	@Override
	public void onMessage(Channel channel, ByteBuf payload) {
		int from = payload.readerIndex();
		int end = payload.writerIndex();
		while (from < end) {
			int nul = payload.indexOf(from, end, (byte) 0);
			if (nul < 0) {
				return; // heart-beat end-of-lines, or a frame's tail this client never
						// splits
			}
			onFrame(channel, payload, from, nul);
			from = nul + 1;
		}
	}

	private void onFrame(Channel channel, ByteBuf payload, int from, int nul) {
		while (from < nul && (payload.getByte(from) == '\n' || payload.getByte(from) == '\r')) {
			from++; // heart-beats before the frame
		}
		byte command = (from < nul) ? payload.getByte(from) : 0;
		if (command == 'M') {
			onMessageFrame(channel, isReadyProbe(payload, nul));
		}
		else if (command == 'C') {
			send(channel, "SUBSCRIBE\nid:0\ndestination:" + this.room + "\n\n\0");
			this.subscribed.countDown();
		}
		else if (command == 'E') {
			this.errors.increment();
			System.err.println("ERROR frame: " + payload.toString(from, nul - from, StandardCharsets.UTF_8));
		}
	}

	private void onMessageFrame(Channel channel, boolean probe) {
		if (!this.isReady) {
			if (probe) {
				this.isReady = true;
				this.ready.countDown();
			}
			return;
		}
		if (probe) {
			return; // a probe sent before every client was ready, arriving late
		}
		this.uncounted++;
		if (++this.inRound == this.perRound) {
			this.inRound = 0;
			publishCount();
			this.round.clientDone(channel);
		}
	}

	private static boolean isReadyProbe(ByteBuf payload, int nul) {
		int start = nul - READY_TAIL.length;
		if (start < payload.readerIndex()) {
			return false;
		}
		for (int i = 0; i < READY_TAIL.length; i++) {
			if (payload.getByte(start + i) != READY_TAIL[i]) {
				return false;
			}
		}
		return true;
	}

	@Override
	public void onReadComplete(Channel channel) {
		publishCount();
	}

	// One shared-counter update per socket read, not per message
	private void publishCount() {
		if (this.uncounted != 0) {
			this.delivered.add(this.uncounted);
			this.uncounted = 0;
		}
	}

	/** Writes {@code frame} as one masked WebSocket text message. */
	static void send(Channel channel, String frame) {
		ByteBuf out = channel.alloc().buffer();
		Frames.writeMasked(out, Frames.TEXT, frame.getBytes(StandardCharsets.UTF_8));
		channel.writeAndFlush(out, channel.voidPromise());
	}

}
