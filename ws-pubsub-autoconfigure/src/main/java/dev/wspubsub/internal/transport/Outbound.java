package dev.wspubsub.internal.transport;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.loop.HeldWork;
import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.internal.SystemPropertyUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What one connection sends: the send status (bytes, {@code -1} backpressure, {@code 0}
 * dropped), the backpressure accounting, the small-frame coalescer and the flush. Writes
 * go straight to the Netty channel, flushed once per batch of work on the channel's event
 * loop by {@link FlushBatcher}; writes from other threads travel through
 * {@link LoopOutbox}, so one sender's messages keep their order.
 */
final class Outbound {

	private static final Log logger = LogFactory.getLog(Outbound.class);

	/**
	 * Past this many times the backpressure limit, sends are dropped instead of queued.
	 */
	private static final int HARD_LIMIT_FACTOR = 4;

	/**
	 * What Netty adds to its count of pending bytes for each write (its property, 96 by
	 * default). A send queued from another thread counts it too, so the buffered amount
	 * does not jump past the hard cap when the write lands in the channel.
	 */
	private static final int WRITE_OVERHEAD = Math.max(0,
			SystemPropertyUtil.getInt("io.netty.transport.outboundBufferEntrySizeOverhead", 96));

	/**
	 * Most bytes of small frames waiting for one connection; past this they are handed to
	 * the channel.
	 */
	private static final int COALESCE_MAX_BYTES = CorkBuffer.CAPACITY / 4;

	private static final AtomicLongFieldUpdater<Outbound> QUEUED_OFF_LOOP = AtomicLongFieldUpdater
		.newUpdater(Outbound.class, "queuedOffLoop");

	private static final AtomicIntegerFieldUpdater<Outbound> DROPPED = AtomicIntegerFieldUpdater
		.newUpdater(Outbound.class, "droppedCount");

	private final WsConnection connection;

	private final Channel channel;

	private final EventLoop loop;

	private final long backpressureLimit;

	private final boolean closeOnBackpressureLimit;

	private final boolean deflateNegotiated;

	private final WsMetricsListener metrics;

	/**
	 * The channel's, kept: it is never replaced, only dropped by the channel when it
	 * closes, and reaching it through the channel on every send showed in profiles.
	 */
	private final @Nullable ChannelOutboundBuffer outboundBuffer;

	/** The channel's allocator, set before the connection opened. */
	private final ByteBufAllocator alloc;

	/**
	 * Bytes sent from other threads and not yet written on the loop: they count toward
	 * backpressure.
	 */
	private volatile long queuedOffLoop;

	/**
	 * Messages dropped past the hard cap, from any thread; logged once per connection.
	 */
	private volatile int droppedCount;

	/**
	 * Set by a send that crossed the backpressure limit; cleared when {@code @OnDrain}
	 * fires.
	 */
	private volatile boolean backpressured;

	/**
	 * This batch's small frames not yet handed to the channel: a chain in the loop's
	 * {@link CorkBuffer}, its first and last entries ({@code -1} when empty); event loop
	 * only.
	 */
	private int firstCorked = -1;

	private int lastCorked = -1;

	/**
	 * Bytes of the {@link #firstCorked chain}; read racily off the loop by
	 * {@link #bufferedAmount()}.
	 */
	private int coalescedBytes;

	/** Touched only on the event loop, by {@link FlushBatcher}. */
	boolean flushPending;

	/**
	 * The loop's cork buffer and flush batcher, looked up on the first write: a thread
	 * local lookup per delivery showed in profiles. Event loop only.
	 */
	private @Nullable CorkBuffer cork;

	private @Nullable FlushBatcher batcher;

	/** Nesting depth of {@link #cork}, touched only on the event loop. */
	private int corked;

	Outbound(WsConnection connection, Channel channel, EndpointSettings settings, boolean deflateNegotiated,
			WsMetricsListener metrics) {
		this.connection = connection;
		this.channel = channel;
		this.loop = channel.eventLoop();
		this.backpressureLimit = settings.backpressureLimit();
		this.closeOnBackpressureLimit = settings.closeOnBackpressureLimit();
		this.deflateNegotiated = deflateNegotiated;
		this.metrics = metrics;
		this.outboundBuffer = channel.unsafe().outboundBuffer();
		this.alloc = channel.alloc();
	}

	long bufferedAmount() {
		// Read before the channel's count: a queued send moves into the channel before it
		// leaves
		// this count (see write), so a send moving meanwhile is counted twice, never
		// missed.
		long queued = this.queuedOffLoop;
		ChannelOutboundBuffer buffer = this.outboundBuffer;
		// Plus what this batch has coalesced and not yet handed to the channel.
		return queued + ((buffer != null) ? buffer.totalPendingWriteBytes() : 0) + this.coalescedBytes;
	}

	/**
	 * Writes a shared message; the caller keeps its reference.
	 * @return the frame's length, {@code -1} if queued past the backpressure limit, or
	 * {@code 0} if dropped
	 */
	int write(OutboundMessage message) {
		if (!this.connection.isOpen() || !this.channel.isActive()) {
			this.metrics.dropped(this.connection, WsMetricsListener.DROPPED_CLOSED);
			return WsSession.DROPPED;
		}
		int status = message.frameLength();
		long buffered = bufferedAmount();
		long limit = this.backpressureLimit;
		if (buffered + status > limit) {
			if (this.closeOnBackpressureLimit) {
				this.metrics.dropped(this.connection, WsMetricsListener.DROPPED_BACKPRESSURE_LIMIT);
				this.connection.close(CloseCodes.POLICY_VIOLATION, "Backpressure limit exceeded");
				return WsSession.DROPPED;
			}
			if (buffered > HARD_LIMIT_FACTOR * limit) {
				// A peer that never reads must not grow the heap without bound: past the
				// hard cap, drop.
				this.metrics.dropped(this.connection, WsMetricsListener.DROPPED_SLOW_CONSUMER);
				dropped();
				return WsSession.DROPPED;
			}
			if (!this.backpressured) {
				this.metrics.backpressure(this.connection);
			}
			this.backpressured = true;
			status = WsSession.BACKPRESSURE;
		}
		if (this.loop.inEventLoop()) {
			writeOpen(message);
		}
		else {
			message.retain();
			int queued = message.frameLength() + WRITE_OVERHEAD;
			QUEUED_OFF_LOOP.addAndGet(this, queued);
			// Same route as topic deliveries, so one sender's messages to this connection
			// keep their order.
			LoopOutbox.send(this.loop, HeldWork.of(() -> {
				try {
					writeOnLoop(message);
				}
				finally {
					// Only once in the channel's count: a sender checking the limit
					// meanwhile must not miss it.
					QUEUED_OFF_LOOP.addAndGet(this, -queued);
					message.release();
				}
				if (this.backpressured) {
					// The limit was checked off the loop, against a buffer a flush may
					// have emptied since:
					// then this write crossed no water mark and no writability change
					// will call @OnDrain.
					this.connection.drainIfWritable();
				}
			}, () -> {
				QUEUED_OFF_LOOP.addAndGet(this, -queued);
				message.release();
			}));
		}
		return status;
	}

	private void writeOnLoop(OutboundMessage message) {
		if (!this.connection.isOpen() || !this.channel.isActive()) {
			return; // RFC 6455 §5.5.1: no data frame after a close frame
		}
		writeOpen(message);
	}

	/** Writes on the event loop, the connection just seen open. */
	private void writeOpen(OutboundMessage message) {
		int length = message.frameLength();
		if (message.compress() && this.deflateNegotiated) {
			// A frame object, so the permessage-deflate encoder compresses it.
			handOver();
			this.channel.write(message.isText() ? new TextWebSocketFrame(true, 0, message.retainedPayload())
					: new BinaryWebSocketFrame(true, 0, message.retainedPayload()), this.channel.voidPromise());
		}
		else if (message.isSmall()) {
			coalesce(message, length);
		}
		else {
			// Already a complete frame: it passes the WebSocket encoders untouched.
			handOver();
			this.channel.write(message.retainedFrame(), this.channel.voidPromise());
		}
		flushLater();
	}

	private void dropped() {
		if (DROPPED.getAndIncrement(this) == 0) {
			logger.warn(this.connection + " does not read: past " + HARD_LIMIT_FACTOR
					+ "x its backpressure limit, messages to it are dropped");
		}
	}

	/**
	 * @return whether a send answered {@code -1} since the last call; clears the mark
	 */
	boolean takeBackpressured() {
		if (!this.backpressured) {
			return false;
		}
		this.backpressured = false;
		return true;
	}

	/**
	 * Small frames of one batch go out in one buffer, as uWebSockets' cork buffer: a
	 * memcpy instead of a buffer entry, a reference count and a pipeline pass per
	 * message. They wait as references in the loop's {@link CorkBuffer} and are copied
	 * when handed over.
	 */
	private void coalesce(OutboundMessage message, int length) {
		if (this.coalescedBytes + length > COALESCE_MAX_BYTES) {
			handOver();
		}
		this.lastCorked = cork().append(this.lastCorked, message);
		if (this.firstCorked < 0) {
			this.firstCorked = this.lastCorked;
		}
		this.coalescedBytes += length;
	}

	/**
	 * Hands the coalesced frames to the channel, before anything written after them.
	 * Event loop only.
	 */
	void handOver() {
		int first = this.firstCorked;
		if (first >= 0) {
			this.firstCorked = -1;
			this.lastCorked = -1;
			this.coalescedBytes = 0;
			this.channel.write(cork().copyOut(first, this.alloc), this.channel.voidPromise());
		}
	}

	private CorkBuffer cork() {
		CorkBuffer cork = this.cork;
		if (cork == null) {
			cork = CorkBuffer.current();
			this.cork = cork;
		}
		return cork;
	}

	/**
	 * Writes a frame of our own (ping, pong, close) behind this batch's data and flushes;
	 * event loop only.
	 */
	void writeAndFlushNow(WebSocketFrame frame) {
		handOver();
		this.channel.writeAndFlush(frame, this.channel.voidPromise());
	}

	private void flushLater() {
		if (this.corked == 0 && !this.flushPending) {
			batcher().add(this);
		}
	}

	private FlushBatcher batcher() {
		FlushBatcher batcher = this.batcher;
		if (batcher == null) {
			batcher = FlushBatcher.current(this.loop);
			this.batcher = batcher;
		}
		return batcher;
	}

	void flushNow() {
		handOver();
		this.channel.flush();
	}

	void cork(Runnable writes) {
		if (!this.loop.inEventLoop()) {
			LoopOutbox.send(this.loop, () -> cork(writes));
			return;
		}
		this.corked++;
		try {
			writes.run();
		}
		finally {
			this.corked--;
			if (this.corked == 0) {
				batcher().add(this);
			}
		}
	}

	/**
	 * Answers a peer's ping on the event loop, within the hard cap like any send: a
	 * client that pings and never reads would otherwise grow its buffer by a pong per
	 * ping, whatever the limits.
	 */
	void answerPing(byte[] data) {
		if (overHardCap()) {
			this.metrics.dropped(this.connection, WsMetricsListener.DROPPED_SLOW_CONSUMER);
			dropped();
			return;
		}
		writeAndFlushNow(new PongWebSocketFrame(Unpooled.wrappedBuffer(data)));
	}

	private boolean overHardCap() {
		return bufferedAmount() > HARD_LIMIT_FACTOR * this.backpressureLimit;
	}

	/**
	 * Sends a ping or a pong from any thread; {@code length} is its payload's. Past the
	 * hard cap it is dropped, as a data frame would be.
	 */
	int control(WebSocketFrame frame, int length) {
		if (!this.connection.isOpen() || !this.channel.isActive()) {
			frame.release();
			return WsSession.DROPPED;
		}
		if (overHardCap()) {
			frame.release();
			this.metrics.dropped(this.connection, WsMetricsListener.DROPPED_SLOW_CONSUMER);
			dropped();
			return WsSession.DROPPED;
		}
		if (this.loop.inEventLoop()) {
			writeControl(frame);
		}
		else {
			LoopOutbox.send(this.loop, HeldWork.of(() -> writeControl(frame), frame::release));
		}
		return length + 2;
	}

	private void writeControl(WebSocketFrame frame) {
		if (this.corked > 0) {
			// Inside a cork it goes out with the cork's other writes, in their order,
			// when the cork ends.
			handOver();
			this.channel.write(frame, this.channel.voidPromise());
		}
		else {
			writeAndFlushNow(frame);
		}
	}

	@Override
	public String toString() {
		return this.connection.toString();
	}

}
