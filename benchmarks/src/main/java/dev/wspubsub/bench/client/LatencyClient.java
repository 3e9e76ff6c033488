package dev.wspubsub.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.HdrHistogram.Recorder;

/**
 * A latency benchmark client: each message is {@code NAME: SENT_NANOS}, so its latency is
 * read straight from the bytes after the colon, without building a string. With the
 * clients spread over several nodes ({@code ClientI} on node {@code I mod nodes}), a
 * message from a client on another node is also recorded in the cross-node recorder.
 */
final class LatencyClient implements FrameListener {

	private final CountDownLatch ready;

	private final Recorder recorder;

	private final LongAdder received;

	private final Recorder crossRecorder;

	private final int nodes;

	private final int node;

	private boolean isReady;

	LatencyClient(CountDownLatch ready, Recorder recorder, LongAdder received, Recorder crossRecorder, int nodes,
			int node) {
		this.ready = ready;
		this.recorder = recorder;
		this.received = received;
		this.crossRecorder = crossRecorder;
		this.nodes = nodes;
		this.node = node;
	}

	@Override
	public void onMessage(Channel channel, ByteBuf payload) {
		long now = System.nanoTime();
		if (!this.isReady) {
			if (payload.toString(StandardCharsets.UTF_8).equals("ready")) {
				this.isReady = true;
				this.ready.countDown();
			}
			return;
		}
		long sent = parseStamp(payload);
		if (sent > 0) {
			long latency = Math.max(0, now - sent);
			this.recorder.recordValue(latency);
			this.received.increment();
			if (this.nodes > 1) {
				long sender = parseSender(payload);
				if (sender >= 0 && sender % this.nodes != this.node) {
					this.crossRecorder.recordValue(latency);
				}
			}
		}
	}

	/** The number in {@code ClientN: ...}; -1 if the message does not start so. */
	static long parseSender(ByteBuf payload) {
		int start = payload.readerIndex() + "Client".length();
		int end = payload.writerIndex();
		long value = -1;
		for (int i = start; i < end; i++) {
			byte b = payload.getByte(i);
			if (b == ':') {
				return value;
			}
			if (b < '0' || b > '9') {
				return -1;
			}
			value = ((value < 0) ? 0 : value * 10) + (b - '0');
		}
		return -1;
	}

	/**
	 * The decimal number after the last ':' and the space after it; -1 if there is none.
	 */
	static long parseStamp(ByteBuf payload) {
		int end = payload.writerIndex();
		int colon = payload.indexOf(payload.readerIndex(), end, (byte) ':');
		if (colon < 0) {
			return -1;
		}
		long value = 0;
		boolean digits = false;
		for (int i = colon + 1; i < end; i++) {
			byte b = payload.getByte(i);
			if (b >= '0' && b <= '9') {
				value = value * 10 + (b - '0');
				digits = true;
			}
			else if (b != ' ') {
				return -1;
			}
		}
		return digits ? value : -1;
	}

}
