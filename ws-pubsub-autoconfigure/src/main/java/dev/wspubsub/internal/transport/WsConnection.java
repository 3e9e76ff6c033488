package dev.wspubsub.internal.transport;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsSession;
import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.PublishRouter;
import dev.wspubsub.internal.topic.Resumes;
import dev.wspubsub.internal.topic.TopicLimits;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.TopicSubscriber;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket connection: the {@link WsSession} users hold and the
 * {@link TopicSubscriber} the topic registry writes to. A thin facade over its parts:
 * {@link Outbound} sends, {@link Subscriptions} holds the topics, {@link CloseHandshake}
 * owns the close state, and {@link FrameHandler} reads.
 */
public final class WsConnection implements WsSession<Object>, TopicSubscriber {

	private static final AtomicReferenceFieldUpdater<WsConnection, @Nullable Resumes> RESUMES = AtomicReferenceFieldUpdater
		.newUpdater(WsConnection.class, Resumes.class, "resumes");

	/** Made once: the registry keys on it and metrics and logs read it often. */
	private final String id = SessionIds.next();

	private final Channel channel;

	private final EventLoop loop;

	private final EndpointSettings settings;

	private final UpgradeRequest request;

	private final @Nullable Principal principal;

	private final @Nullable String subprotocol;

	private final PublishRouter publishRouter;

	private final PayloadEncoder encoder;

	private final WsMetricsListener metrics;

	private final ConnectionHandler handler;

	private final Outbound outbound;

	private final Subscriptions subscriptions;

	private final CloseHandshake closing;

	private volatile @Nullable Object data;

	/** State the endpoint layer keeps per connection; touched only on the event loop. */
	private @Nullable HandlerState handlerState;

	/** How topic messages are written when a protocol wraps them (STOMP); set once. */
	private volatile @Nullable TopicFraming framing;

	/**
	 * The resubscribes in progress, which hold and filter their topics' deliveries. Made
	 * by the first resubscribe: most connections never resume, and an idle one should not
	 * pay for it.
	 */
	private volatile @Nullable Resumes resumes;

	/** What a {@link TopicFraming} writes through: made once, not per delivery. */
	private final Consumer<OutboundMessage> topicWrites;

	WsConnection(Channel channel, EndpointSettings settings, UpgradeRequest request, @Nullable Principal principal,
			@Nullable String subprotocol, @Nullable Object data, PublishRouter publishRouter, PayloadEncoder encoder,
			boolean deflateNegotiated, TopicAuthorizer topicAuthorizer, TopicLimits topicLimits,
			WsMetricsListener metrics, ConnectionHandler handler) {
		this.channel = channel;
		this.loop = channel.eventLoop();
		this.settings = settings;
		this.request = request;
		this.principal = principal;
		this.subprotocol = subprotocol;
		this.data = data;
		this.publishRouter = publishRouter;
		this.encoder = encoder;
		this.metrics = metrics;
		this.handler = handler;
		this.outbound = new Outbound(this, channel, settings, deflateNegotiated, metrics);
		this.subscriptions = new Subscriptions(this, publishRouter.registry(), topicAuthorizer, topicLimits);
		this.closing = new CloseHandshake(channel, this.outbound);
		this.topicWrites = this.outbound::write;
	}

	@Override
	public String id() {
		return this.id;
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
		return this.closing.readyState();
	}

	boolean isOpen() {
		return this.closing.isOpen();
	}

	/** The upgrade request this connection came from. */
	public UpgradeRequest upgradeRequest() {
		return this.request;
	}

	/** This connection's effective settings. */
	public EndpointSettings settings() {
		return this.settings;
	}

	/**
	 * The message-handling layer's state for this connection; call on the event loop
	 * only.
	 */
	public @Nullable HandlerState handlerState() {
		return this.handlerState;
	}

	/** Keeps the message-handling layer's state; call on the event loop only. */
	public void handlerState(HandlerState state) {
		this.handlerState = state;
	}

	/**
	 * Writes this connection's topic messages through {@code framing} from now on, for a
	 * protocol that wraps each one; call before the first subscribe.
	 */
	public void frameTopicsWith(TopicFraming framing) {
		this.framing = framing;
	}

	/**
	 * Writes an already encoded message as it is, as {@link #send} does; the caller keeps
	 * its reference.
	 * @return the send status
	 */
	public int write(OutboundMessage message) {
		int status = this.outbound.write(message);
		if (status != DROPPED) {
			this.metrics.messageSent(this, message.payloadLength());
		}
		return status;
	}

	/** The Netty channel, for extensions that need it. */
	public Channel channel() {
		return this.channel;
	}

	Outbound outbound() {
		return this.outbound;
	}

	CloseHandshake closing() {
		return this.closing;
	}

	Subscriptions subscriptionState() {
		return this.subscriptions;
	}

	ConnectionHandler handler() {
		return this.handler;
	}

	@Override
	public long bufferedAmount() {
		return this.outbound.bufferedAmount();
	}

	// ---- sending

	@Override
	public int send(Object message) {
		return send(message, false);
	}

	@Override
	public int send(Object message, boolean compress) {
		if (!isOpen()) {
			this.metrics.dropped(this, WsMetricsListener.DROPPED_CLOSED);
			return DROPPED;
		}
		OutboundMessage encoded = this.encoder.encode(message, compress);
		try {
			int status = this.outbound.write(encoded);
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

	@Override
	public void cork(Runnable writes) {
		this.outbound.cork(writes);
	}

	@Override
	public int ping(byte[] data) {
		return this.outbound.control(new PingWebSocketFrame(Unpooled.wrappedBuffer(checkControl(data))), data.length);
	}

	@Override
	public int pong(byte[] data) {
		return this.outbound.control(new PongWebSocketFrame(Unpooled.wrappedBuffer(checkControl(data))), data.length);
	}

	private static byte[] checkControl(byte[] data) {
		if (data.length > 125) {
			throw new IllegalArgumentException("control frame payload must be at most 125 bytes, was " + data.length);
		}
		return data;
	}

	/**
	 * Calls {@code @OnDrain} when a send answered -1 and the channel is writable now; on
	 * the event loop.
	 */
	void drainIfWritable() {
		if (this.channel.isWritable() && this.closing.readyState() != CLOSED && this.outbound.takeBackpressured()) {
			this.handler.onDrain(this);
		}
	}

	// ---- topics

	@Override
	public @Nullable EventLoop eventLoop() {
		return this.loop;
	}

	@Override
	public void deliver(String topic, OutboundMessage message) {
		// A publish handed over from another thread may arrive after an unsubscribe on
		// this one.
		if (this.subscriptions.contains(topic)) {
			deliverToMember(topic, message);
		}
	}

	@Override
	public void deliverToMember(String topic, OutboundMessage message) {
		// Only this connection's own fields: a look at its subscriptions per delivery
		// cost a third of the delivery's time in profiles.
		Resumes resumes = this.resumes;
		if (resumes == null || !resumes.intercept(topic, message)) {
			writeTopicMessage(topic, message);
		}
	}

	@Override
	public void reset(String topic, StreamPosition current, OutboundMessage defaultNotice) {
		if (!this.subscriptions.contains(topic)) {
			return;
		}
		Object notice = this.handler.topicResetNotice(this, topic, current, defaultNotice);
		if (notice == null) {
			return;
		}
		if (notice == defaultNotice) {
			deliver(topic, defaultNotice);
			return;
		}
		OutboundMessage encoded = this.encoder.encode(notice, false);
		try {
			deliver(topic, encoded);
		}
		finally {
			encoded.release();
		}
	}

	private void writeTopicMessage(String topic, OutboundMessage message) {
		TopicFraming framing = this.framing;
		if (framing != null) {
			framing.deliver(this, topic, message, this.topicWrites);
		}
		else {
			this.outbound.write(message);
		}
	}

	@Override
	public int publish(String topic, Object message) {
		return publish(topic, message, false);
	}

	@Override
	public int publish(String topic, Object message, boolean compress) {
		if (!this.subscriptions.mayPublish(topic)) {
			return DROPPED;
		}
		OutboundMessage encoded = this.encoder.encode(message, compress);
		try {
			return this.publishRouter.publish(topic, encoded, this.settings.publishToSelf() ? null : this);
		}
		finally {
			encoded.release();
		}
	}

	@Override
	public boolean subscribe(String topic) {
		return this.subscriptions.subscribe(topic);
	}

	@Override
	public boolean subscribe(String topic, @Nullable StreamPosition since, int latest,
			Consumer<? super Recovery> beforeLive) {
		HistoryRule rule = this.publishRouter.history().rules().ruleFor(topic);
		if (rule == null) {
			throw new IllegalArgumentException("Topic '" + topic + "' keeps no history, so there is nothing to"
					+ " resume from: add a rule for it under ws-pubsub.history.topics");
		}
		if (latest < 0) {
			throw new IllegalArgumentException("latest must not be negative, was " + latest);
		}
		// Held from before the subscription exists, so nothing live slips ahead of the
		// replay.
		long ticket = resumes().begin(topic);
		if (!this.subscriptions.subscribe(topic) && !this.subscriptions.contains(topic)) {
			resumes().cancel(topic);
			return false;
		}
		this.publishRouter.history().read(topic, rule, since, latest).whenComplete((recovery, error) -> {
			Recovery answer = (error != null) ? Recovery.unavailable() : recovery;
			LoopOutbox.send(this.loop, () -> resumed(topic, ticket, since, answer, beforeLive));
		});
		return true;
	}

	private Resumes resumes() {
		Resumes resumes = this.resumes;
		if (resumes == null) {
			RESUMES.compareAndSet(this, null, new Resumes());
			resumes = Objects.requireNonNull(this.resumes);
		}
		return resumes;
	}

	/** The resubscribes, if one ever began. */
	@Nullable Resumes startedResumes() {
		return this.resumes;
	}

	// Event loop: hand the replay over, then let the held live messages through.
	private void resumed(String topic, long ticket, @Nullable StreamPosition since, Recovery recovery,
			Consumer<? super Recovery> beforeLive) {
		boolean handedOver = resumes().handOver(topic, ticket, recovery, beforeLive, (message) -> {
			if (this.subscriptions.contains(topic)) {
				writeTopicMessage(topic, message);
			}
		});
		if (handedOver && since != null) {
			this.metrics.resumed(path(), recovery.recovered(), recovery.publications().size());
		}
	}

	@Override
	public boolean unsubscribe(String topic) {
		return this.subscriptions.unsubscribe(topic);
	}

	@Override
	public boolean isSubscribed(String topic) {
		return this.subscriptions.contains(topic);
	}

	@Override
	public Set<String> subscriptions() {
		return this.subscriptions.all();
	}

	/** The authorizer refused {@code topic}: the layer above says so to the client. */
	void topicDenied(String topic) {
		this.handler.onTopicDenied(this, topic);
	}

	/**
	 * A topic limit refused this client's subscribe or publish: count it, tell the
	 * client.
	 */
	void topicRefused(String reason, String error) {
		this.metrics.topicRefused(path(), reason);
		this.handler.onTopicRefused(this, error);
	}

	// ---- closing

	@Override
	public void close() {
		close(CloseCodes.NORMAL, "");
	}

	@Override
	public void close(int code, String reason) {
		if (!CloseHandshake.isValidCode(code)) {
			// Checked here, on the caller's thread, before any state changes.
			throw new IllegalArgumentException("close code must be 1000-1003, 1007-1014 or 3000-4999, was " + code);
		}
		if (!this.loop.inEventLoop()) {
			// Behind the writes already on their way to this connection.
			LoopOutbox.send(this.loop, () -> close(code, reason));
			return;
		}
		this.closing.close(code, reason);
	}

	@Override
	public void terminate() {
		this.closing.terminate();
	}

	@Override
	public String toString() {
		return "WsConnection[" + id() + " " + this.settings.path() + " " + this.request.remoteAddress() + "]";
	}

	/**
	 * What the layer above keeps per connection (the endpoint's handler sequencer), held
	 * here so it costs a field, not a map lookup per message.
	 */
	public interface HandlerState {

	}

}
