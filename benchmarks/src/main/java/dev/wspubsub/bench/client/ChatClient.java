package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One chat benchmark client: waits for {@code ready}, then counts the messages of each
 * round without decoding them. Touched only from its channel's event loop.
 */
final class ChatClient implements FrameListener {

	private static final String READY = "ready";

	private final long perRound;

	private final CountDownLatch ready;

	private final LongAdder delivered;

	private final ChatRound round;

	private boolean isReady;

	private long inRound;

	private long uncounted;

	ChatClient(ChatRound round, long perRound, CountDownLatch ready, LongAdder delivered) {
		this.round = round;
		this.perRound = perRound;
		this.ready = ready;
		this.delivered = delivered;
	}

	@Override
	public void onMessage(Channel channel, ByteBuf payload) {
		if (!this.isReady) {
			if (payload.toString(StandardCharsets.UTF_8).equals(READY)) {
				this.isReady = true;
				this.ready.countDown();
			}
			return;
		}
		this.uncounted++;
		if (++this.inRound == this.perRound) {
			this.inRound = 0;
			publishCount();
			this.round.clientDone(channel);
		}
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

}
