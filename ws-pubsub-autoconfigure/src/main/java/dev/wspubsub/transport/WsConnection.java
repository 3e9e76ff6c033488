package dev.wspubsub.transport;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsMetricsListener;
import dev.wspubsub.WsSession;
import dev.wspubsub.cluster.Broker;
import dev.wspubsub.topic.OutboundMessage;
import dev.wspubsub.topic.PayloadEncoder;
import dev.wspubsub.topic.TopicSubscriber;
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
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket connection: the {@link WsSession} users hold and the
 * {@link TopicSubscriber} the topic registry writes to. Writes go straight to the Netty
 * channel, flushed once per batch of work on the channel's event loop.
 */
public final class WsConnection implements WsSession<Object>, TopicSubscriber {

	private static final AtomicLong IDS = new AtomicLong();

	private final long sequence = IDS.incrementAndGet();

	private final Channel channel;

	private final EventLoop loop;

	private final EndpointSettings settings;

	private final UpgradeRequest request;

	private final @Nullable Principal principal;

	private final @Nullable String subprotocol;

	private final Broker broker;

	private final PayloadEncoder encoder;

	private final boolean deflateNegotiated;

	private final WsMetricsListener metrics;

	private volatile @Nullable Object data;

	private volatile int readyState = OPEN;

	private @Nullable Set<String> topics;

	/** Set by a send that crossed the backpressure limit; cleared when {@code @OnDrain} fires. */
	volatile boolean backpressured;

	/** State the endpoint layer keeps per connection; touched only on the event loop. */
	private @Nullable Object attachment;

	/** Touched only on the event loop, by {@link FlushBatcher}. */
	boolean flushPending;

	/** Nesting depth of {@link #cork}, touched only on the event loop. */
	private int corked;

	WsConnection(Channel channel, EndpointSettings settings, UpgradeRequest request, @Nullable Principal principal,
			@Nullable String subprotocol, @Nullable Object data, Broker broker, PayloadEncoder encoder,
			boolean deflateNegotiated, WsMetricsListener metrics) {
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
		return Long.toString(this.sequence, 36);
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
		return (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
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
		if (bufferedAmount() + status > this.settings.backpressureLimit()) {
			if (this.settings.closeOnBackpressureLimit()) {
				this.metrics.dropped(this, WsMetricsListener.DROPPED_BACKPRESSURE_LIMIT);
				close(CloseCodes.POLICY_VIOLATION, "Backpressure limit exceeded");
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
			this.loop.execute(() -> {
				try {
					writeOnLoop(message);
				}
				finally {
					message.release();
				}
			});
		}
		return status;
	}

	private void writeOnLoop(OutboundMessage message) {
		if (!this.channel.isActive()) {
			return;
		}
		Object frame;
		if (message.compress() && this.deflateNegotiated) {
			// A frame object, so the permessage-deflate encoder compresses it.
			frame = message.isText() ? new TextWebSocketFrame(true, 0, message.retainedPayload())
					: new BinaryWebSocketFrame(true, 0, message.retainedPayload());
		}
		else {
			// Already a complete frame: it passes the WebSocket encoders untouched.
			frame = message.retainedFrame();
		}
		this.channel.write(frame, this.channel.voidPromise());
		flushLater();
	}

	@Override
	public @Nullable EventLoop eventLoop() {
		return this.loop;
	}

	@Override
	public void deliver(String topic, OutboundMessage message) {
		write(message);
	}

	private void flushLater() {
		if (this.corked == 0) {
			FlushBatcher.flushLater(this.loop, this);
		}
	}

	void flushNow() {
		this.channel.flush();
	}

	@Override
	public void cork(Runnable writes) {
		if (!this.loop.inEventLoop()) {
			this.loop.execute(() -> cork(writes));
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
		this.channel.writeAndFlush(frame, this.channel.voidPromise());
		return length + 2;
	}

	// ---- publish / subscribe

	@Override
	public int publish(String topic, Object message) {
		return publish(topic, message, false);
	}

	@Override
	public int publish(String topic, Object message, boolean compress) {
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
		synchronized (this) {
			if (this.topics == null) {
				this.topics = new HashSet<>(4);
			}
			if (!this.topics.add(topic)) {
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
			if (this.topics == null || !this.topics.remove(topic)) {
				return false;
			}
		}
		this.broker.registry().unsubscribe(topic, this);
		return true;
	}

	@Override
	public synchronized boolean isSubscribed(String topic) {
		return this.topics != null && this.topics.contains(topic);
	}

	@Override
	public synchronized Set<String> subscriptions() {
		return (this.topics != null) ? Set.copyOf(this.topics) : Set.of();
	}

	void unsubscribeAll() {
		String[] all;
		synchronized (this) {
			if (this.topics == null) {
				return;
			}
			all = this.topics.toArray(new String[0]);
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
		if (!this.loop.inEventLoop()) {
			this.loop.execute(() -> close(code, reason));
			return;
		}
		FrameHandler handler = this.channel.pipeline().get(FrameHandler.class);
		if (handler != null) {
			handler.closeByServer(code, reason);
		}
		else {
			this.channel.close();
		}
	}

	void sendCloseFrame(int code, String reason) {
		this.readyState = CLOSING;
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
