package dev.wspubsub.transport;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsMetricsListener;
import dev.wspubsub.WsSession;
import dev.wspubsub.cluster.Broker;
import dev.wspubsub.security.ErrorFrame;
import dev.wspubsub.security.TopicAuthorizer;
import dev.wspubsub.topic.LoopOutbox;
import dev.wspubsub.topic.OutboundMessage;
import dev.wspubsub.topic.PayloadEncoder;
import dev.wspubsub.topic.TopicSubscriber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket connection: the {@link WsSession} users hold and the
 * {@link TopicSubscriber} the topic registry writes to. Writes go straight to the Netty
 * channel, flushed once per batch of work on the channel's event loop.
 */
public final class WsConnection implements WsSession<Object>, TopicSubscriber {

	private static final AtomicLong IDS = new AtomicLong();

	/** Made once: the registry keys on it and metrics and logs read it often. */
	private final String id = Long.toString(IDS.incrementAndGet(), 36);

	/** Reads this connection's frames; set once, on the event loop, before any frame is read. */
	private @Nullable FrameHandler frames;

	private final Channel channel;

	private final EventLoop loop;

	private final EndpointSettings settings;

	private final UpgradeRequest request;

	private final @Nullable Principal principal;

	private final @Nullable String subprotocol;

	private final Broker broker;

	private final PayloadEncoder encoder;

	private final boolean deflateNegotiated;

	/** Asked by this session's own subscribe and publish; never by {@code server.publish}. */
	private final TopicAuthorizer topicAuthorizer;

	private final WsMetricsListener metrics;

	private volatile @Nullable Object data;

	private volatile int readyState = OPEN;

	/**
	 * This connection's topics: none, the one topic's name, or a set of two or more; most
	 * connections hold one topic, which then costs no set. Changed under {@code this}; the
	 * set is a concurrent one, so deliveries read it without a lock.
	 */
	private volatile @Nullable Object topics;

	/** Set by a send that crossed the backpressure limit; cleared when {@code @OnDrain} fires. */
	volatile boolean backpressured;

	/** State the endpoint layer keeps per connection; touched only on the event loop. */
	private @Nullable Object attachment;

	/** Past this many times the backpressure limit, sends are dropped instead of queued. */
	private static final int HARD_LIMIT_FACTOR = 4;

	private static final AtomicLongFieldUpdater<WsConnection> QUEUED_OFF_LOOP = AtomicLongFieldUpdater
		.newUpdater(WsConnection.class, "queuedOffLoop");

	/** Bytes sent from other threads and not yet written on the loop: they count toward backpressure. */
	private volatile long queuedOffLoop;

	private static final Log logger = LogFactory.getLog(WsConnection.class);

	/** Messages dropped past the hard cap, logged once per connection. */
	private int droppedCount;

	/** Largest frame copied into the batch buffer; larger ones are shared, not copied. */
	private static final int COALESCE_MAX_FRAME = 1024;

	/** Size of one batch buffer; a batch larger than this is written in several. */
	private static final int COALESCE_CHUNK = 16 * 1024;

	/** Small frames written in this batch and not yet handed to the channel; event loop only. */
	private @Nullable ByteBuf coalesced;

	/** A lone small frame of this batch, shared rather than copied; event loop only. */
	private @Nullable OutboundMessage single;

	/** Bytes in {@link #single} and {@link #coalesced}; read racily off the loop by {@link #bufferedAmount()}. */
	private int coalescedBytes;

	/** Touched only on the event loop, by {@link FlushBatcher}. */
	boolean flushPending;

	/** Nesting depth of {@link #cork}, touched only on the event loop. */
	private int corked;

	WsConnection(Channel channel, EndpointSettings settings, UpgradeRequest request, @Nullable Principal principal,
			@Nullable String subprotocol, @Nullable Object data, Broker broker, PayloadEncoder encoder,
			boolean deflateNegotiated) {
		this(channel, settings, request, principal, subprotocol, data, broker, encoder, deflateNegotiated,
				TopicAuthorizer.ALLOW_ALL, WsMetricsListener.NONE);
	}

	WsConnection(Channel channel, EndpointSettings settings, UpgradeRequest request, @Nullable Principal principal,
			@Nullable String subprotocol, @Nullable Object data, Broker broker, PayloadEncoder encoder,
			boolean deflateNegotiated, TopicAuthorizer topicAuthorizer, WsMetricsListener metrics) {
		this.topicAuthorizer = topicAuthorizer;
		this.channel = channel;
		this.loop = channel.eventLoop();
		this.settings = settings;
		this.request = request;
		this.principal = principal;
		this.subprotocol = subprotocol;
		this.data = data;
		this.broker = broker;
		this.encoder = encoder;
		this.deflateNegotiated = deflateNegotiated;
		this.metrics = metrics;
	}

	@Override
	public String id() {
		return this.id;
	}

	void frames(FrameHandler frames) {
		this.frames = frames;
	}

	@Override
	@SuppressWarnings("NullAway")
	public Object data() {
		return this.data;
	}

	@Override
	public void data(Object data) {
		this.data = data;
	}

	@Override
	public @Nullable Principal principal() {
		return this.principal;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.request.remoteAddress();
	}

	@Override
	public String path() {
		return this.settings.path();
	}

	@Override
	public @Nullable String subprotocol() {
		return this.subprotocol;
	}

	@Override
	public int readyState() {
		return this.readyState;
	}

	/** The upgrade request this connection came from. */
	public UpgradeRequest upgradeRequest() {
		return this.request;
	}

	/** This connection's effective settings. */
	public EndpointSettings settings() {
		return this.settings;
	}

	/** What the endpoint layer attached; call on the event loop only. */
	public @Nullable Object attachment() {
		return this.attachment;
	}

	/** Attaches endpoint-layer state; call on the event loop only. */
	public void attach(@Nullable Object attachment) {
		this.attachment = attachment;
	}

	/** The Netty channel, for extensions that need it. */
	public Channel channel() {
		return this.channel;
	}

	@Override
	public long bufferedAmount() {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		// Plus what this batch has coalesced and not yet handed to the channel.
		return ((buffer != null) ? buffer.totalPendingWriteBytes() : 0) + this.coalescedBytes + this.queuedOffLoop;
	}

	// ---- sending

	@Override
	public int send(Object message) {
		return send(message, false);
	}

	@Override
	public int send(Object message, boolean compress) {
		if (this.readyState != OPEN) {
			this.metrics.dropped(this, WsMetricsListener.DROPPED_CLOSED);
			return DROPPED;
		}
		OutboundMessage encoded = this.encoder.encode(message, compress);
		try {
			int status = write(encoded);
			if (status != DROPPED) {
				this.metrics.messageSent(this, encoded.payloadLength());
			}
			return status;
		}
		finally {
			encoded.release();
		}
	}

	@Override
	public int sendText(String text) {
		return send(text, false);
	}

	@Override
	public int sendText(String text, boolean compress) {
		return send(text, compress);
	}

	@Override
	public int sendBinary(byte[] data) {
		return send(data, false);
	}

	@Override
	public int sendBinary(byte[] data, boolean compress) {
		return send(data, compress);
	}

	/** Writes a shared message; the caller keeps its reference. */
	int write(OutboundMessage message) {
		if (this.readyState != OPEN || !this.channel.isActive()) {
			this.metrics.dropped(this, WsMetricsListener.DROPPED_CLOSED);
			return DROPPED;
		}
		int status = message.frameLength();
		long buffered = bufferedAmount();
		long limit = this.settings.backpressureLimit();
		if (buffered + status > limit) {
			if (this.settings.closeOnBackpressureLimit()) {
				this.metrics.dropped(this, WsMetricsListener.DROPPED_BACKPRESSURE_LIMIT);
				close(CloseCodes.POLICY_VIOLATION, "Backpressure limit exceeded");
				return DROPPED;
			}
			if (buffered > HARD_LIMIT_FACTOR * limit) {
				// A peer that never reads must not grow the heap without bound: past the hard cap, drop.
				this.metrics.dropped(this, WsMetricsListener.DROPPED_SLOW_CONSUMER);
				dropped();
				return DROPPED;
			}
			if (!this.backpressured) {
				this.metrics.backpressure(this);
			}
			this.backpressured = true;
			status = BACKPRESSURE;
		}
		if (this.loop.inEventLoop()) {
			writeOnLoop(message);
		}
		else {
			message.retain();
			int queued = message.frameLength();
			QUEUED_OFF_LOOP.addAndGet(this, queued);
			// Same route as topic deliveries, so one sender's messages to this connection keep their order.
			LoopOutbox.send(this.loop, () -> {
				try {
					QUEUED_OFF_LOOP.addAndGet(this, -queued);
					writeOnLoop(message);
				}
				finally {
					message.release();
				}
				if (this.backpressured) {
					// The limit was checked off the loop, against a buffer a flush may have emptied since:
					// then this write crossed no water mark and no writability change will call @OnDrain.
					FrameHandler frames = this.frames;
					if (frames != null) {
						frames.drainIfWritable();
					}
				}
			});
		}
		return status;
	}

	private void writeOnLoop(OutboundMessage message) {
		if (this.readyState != OPEN || !this.channel.isActive()) {
			return; // RFC 6455 §5.5.1: no data frame after a close frame
		}
		int length = message.frameLength();
		if (message.compress() && this.deflateNegotiated) {
			// A frame object, so the permessage-deflate encoder compresses it.
			handOver();
			this.channel.write(message.isText() ? new TextWebSocketFrame(true, 0, message.retainedPayload())
					: new BinaryWebSocketFrame(true, 0, message.retainedPayload()), this.channel.voidPromise());
		}
		else if (length <= COALESCE_MAX_FRAME) {
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
		if (this.droppedCount++ == 0) {
			logger.warn(this + " does not read: past " + HARD_LIMIT_FACTOR
					+ "x its backpressure limit, messages to it are dropped");
		}
	}

	/** Messages dropped because the peer stopped reading. */
	public int droppedCount() {
		return this.droppedCount;
	}

	/**
	 * Small frames of one batch go out in one buffer, as uWebSockets' cork buffer: a memcpy
	 * instead of a buffer entry, a reference count and a pipeline pass per message. A lone
	 * frame is not copied: it goes out as a duplicate of the shared frame at hand-over.
	 */
	private void coalesce(OutboundMessage message, int length) {
		ByteBuf chunk = this.coalesced;
		OutboundMessage first = this.single;
		if (chunk == null && first == null) {
			this.single = message.retain();
		}
		else {
			if (chunk == null) {
				// A second frame in this batch: now a buffer sized to what is pending pays off.
				chunk = newChunk(first.frameLength() + length);
				first.copyFrameTo(chunk);
				first.release();
				this.single = null;
			}
			else if (chunk.maxWritableBytes() < length) {
				handOver();
				chunk = newChunk(length);
			}
			message.copyFrameTo(chunk);
		}
		this.coalescedBytes += length;
	}

	private ByteBuf newChunk(int pending) {
		ByteBuf chunk = this.channel.alloc().directBuffer(Math.max(256, 2 * pending), COALESCE_CHUNK);
		this.coalesced = chunk;
		return chunk;
	}

	/** Hands the coalesced frames to the channel, before anything written after them. Event loop only. */
	void handOver() {
		OutboundMessage first = this.single;
		if (first != null) {
			this.single = null;
			this.channel.write(first.retainedFrame(), this.channel.voidPromise());
			first.release();
		}
		ByteBuf chunk = this.coalesced;
		if (chunk != null) {
			this.coalesced = null;
			this.channel.write(chunk, this.channel.voidPromise());
		}
		this.coalescedBytes = 0;
	}

	@Override
	public @Nullable EventLoop eventLoop() {
		return this.loop;
	}

	@Override
	public void deliver(String topic, OutboundMessage message) {
		// A publish handed over from another thread may arrive after an unsubscribe on this one.
		if (isSubscribed(topic)) {
			write(message);
		}
	}

	private void flushLater() {
		if (this.corked == 0) {
			FlushBatcher.flushLater(this.loop, this);
		}
	}

	void flushNow() {
		handOver();
		this.channel.flush();
	}

	@Override
	public void cork(Runnable writes) {
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
				FlushBatcher.flushLater(this.loop, this);
			}
		}
	}

	@Override
	public int ping(byte[] data) {
		return control(new PingWebSocketFrame(Unpooled.wrappedBuffer(checkControl(data))), data.length);
	}

	@Override
	public int pong(byte[] data) {
		return control(new PongWebSocketFrame(Unpooled.wrappedBuffer(checkControl(data))), data.length);
	}

	private static byte[] checkControl(byte[] data) {
		if (data.length > 125) {
			throw new IllegalArgumentException("control frame payload must be at most 125 bytes, was " + data.length);
		}
		return data;
	}

	private int control(WebSocketFrame frame, int length) {
		if (this.readyState != OPEN || !this.channel.isActive()) {
			frame.release();
			return DROPPED;
		}
		if (this.loop.inEventLoop()) {
			writeControl(frame);
		}
		else {
			LoopOutbox.send(this.loop, () -> writeControl(frame));
		}
		return length + 2;
	}

	private void writeControl(WebSocketFrame frame) {
		handOver();
		if (this.corked > 0) {
			// Inside a cork it goes out with the cork's other writes, in their order, when the cork ends.
			this.channel.write(frame, this.channel.voidPromise());
		}
		else {
			this.channel.writeAndFlush(frame, this.channel.voidPromise());
		}
	}

	// ---- publish / subscribe

	@Override
	public int publish(String topic, Object message) {
		return publish(topic, message, false);
	}

	@Override
	public int publish(String topic, Object message, boolean compress) {
		if (!this.topicAuthorizer.canPublish(this, topic)) {
			send(ErrorFrame.forbidden(topic));
			return DROPPED;
		}
		OutboundMessage encoded = this.encoder.encode(message, compress);
		try {
			return this.broker.publish(topic, encoded, this.settings.publishToSelf() ? null : this);
		}
		finally {
			encoded.release();
		}
	}

	@Override
	public boolean subscribe(String topic) {
		if (this.readyState != OPEN) {
			return false;
		}
		if (!this.topicAuthorizer.canSubscribe(this, topic)) {
			send(ErrorFrame.forbidden(topic));
			return false;
		}
		synchronized (this) {
			if (!addTopic(topic)) {
				return false;
			}
		}
		this.broker.registry().subscribe(topic, this);
		if (this.readyState != OPEN) {
			// Closed meanwhile: the close path may have missed this topic.
			unsubscribe(topic);
			return false;
		}
		return true;
	}

	@Override
	public boolean unsubscribe(String topic) {
		synchronized (this) {
			if (!removeTopic(topic)) {
				return false;
			}
		}
		this.broker.registry().unsubscribe(topic, this);
		return true;
	}

	@Override
	public boolean isSubscribed(String topic) {
		Object topics = this.topics;
		return (topics instanceof Set<?> set) ? set.contains(topic) : topic.equals(topics);
	}

	@Override
	@SuppressWarnings("unchecked")
	public Set<String> subscriptions() {
		Object topics = this.topics;
		if (topics instanceof Set<?> set) {
			return Set.copyOf((Set<String>) set);
		}
		return (topics != null) ? Set.of((String) topics) : Set.of();
	}

	@SuppressWarnings("unchecked")
	private boolean addTopic(String topic) {
		Object topics = this.topics;
		if (topics == null) {
			this.topics = topic;
			return true;
		}
		if (topics instanceof Set<?> set) {
			return ((Set<String>) set).add(topic);
		}
		if (topics.equals(topic)) {
			return false;
		}
		Set<String> set = ConcurrentHashMap.newKeySet(4);
		set.add((String) topics);
		set.add(topic);
		this.topics = set;
		return true;
	}

	private boolean removeTopic(String topic) {
		Object topics = this.topics;
		if (topics instanceof Set<?> set) {
			// A set once made stays a set: subscribing and unsubscribing a second topic allocates once.
			return set.remove(topic);
		}
		if (topic.equals(topics)) {
			this.topics = null;
			return true;
		}
		return false;
	}

	void unsubscribeAll() {
		String[] all;
		synchronized (this) {
			Object topics = this.topics;
			if (topics == null) {
				return;
			}
			all = (topics instanceof Set<?> set) ? set.toArray(new String[0]) : new String[] { (String) topics };
			this.topics = null;
		}
		for (String topic : all) {
			this.broker.registry().unsubscribe(topic, this);
		}
	}

	// ---- closing

	@Override
	public void close() {
		close(CloseCodes.NORMAL, "");
	}

	@Override
	public void close(int code, String reason) {
		if (!isSendableCloseCode(code)) {
			// Checked here, on the caller's thread, before any state changes.
			throw new IllegalArgumentException("close code must be 1000-1003, 1007-1014 or 3000-4999, was " + code);
		}
		if (!this.loop.inEventLoop()) {
			// Behind the writes already on their way to this connection.
			LoopOutbox.send(this.loop, () -> close(code, reason));
			return;
		}
		FrameHandler handler = this.frames;
		if (handler != null) {
			handler.closeByServer(code, reason);
		}
		else {
			this.channel.close();
		}
	}

	/** RFC 6455 §7.4: codes an endpoint may send; 1004-1006 and 1015 are reserved. */
	static boolean isSendableCloseCode(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	void sendCloseFrame(int code, String reason) {
		this.readyState = CLOSING;
		handOver();
		this.channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
	}

	@Override
	public void terminate() {
		this.readyState = CLOSED;
		this.channel.close();
	}

	void markClosing() {
		this.readyState = CLOSING;
	}

	void markClosed() {
		this.readyState = CLOSED;
	}

	@Override
	public String toString() {
		return "WsConnection[" + id() + " " + this.settings.path() + " " + this.request.remoteAddress() + "]";
	}
}
