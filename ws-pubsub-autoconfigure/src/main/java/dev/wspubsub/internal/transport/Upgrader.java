package dev.wspubsub.internal.transport;

import java.security.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.PublishRouter;
import dev.wspubsub.internal.topic.TopicLimits;
import dev.wspubsub.spi.TopicAuthorizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns an accepted WebFlux exchange into a WebSocket on Reactor Netty, then takes the
 * channel over: our frame handler sits in front of Reactor's inbound bridge and writes go
 * straight to the channel, so no Reactor operator runs per frame. Once open, the channel
 * is unbound from Reactor's WebSocket operations (see {@link TakenOverConnection}): the
 * {@link UpgradeRequest} passed in must not read the server's request after that.
 */
public final class Upgrader {

	private final PublishRouter publishRouter;

	private final PayloadEncoder encoder;

	private final SessionRegistry sessions;

	private final TopicAuthorizer topicAuthorizer;

	private final TopicLimits topicLimits;

	private final Map<Long, WriteBufferWaterMark> waterMarks = new ConcurrentHashMap<>();

	/**
	 * An upgrader whose connections ask {@code topicAuthorizer} before they subscribe or
	 * publish.
	 */
	public Upgrader(PublishRouter publishRouter, PayloadEncoder encoder, SessionRegistry sessions,
			TopicAuthorizer topicAuthorizer) {
		this(publishRouter, encoder, sessions, topicAuthorizer, TopicLimits.NONE);
	}

	/**
	 * An upgrader whose connections ask {@code topicAuthorizer}, and keep within
	 * {@code topicLimits}, before they subscribe or publish.
	 */
	public Upgrader(PublishRouter publishRouter, PayloadEncoder encoder, SessionRegistry sessions,
			TopicAuthorizer topicAuthorizer, TopicLimits topicLimits) {
		this.topicAuthorizer = Objects.requireNonNull(topicAuthorizer, "topicAuthorizer");
		this.topicLimits = Objects.requireNonNull(topicLimits, "topicLimits");
		this.publishRouter = Objects.requireNonNull(publishRouter, "publishRouter");
		this.encoder = Objects.requireNonNull(encoder, "encoder");
		this.sessions = Objects.requireNonNull(sessions, "sessions");
	}

	/** Whether the exchange runs on Reactor Netty, the only server ws-pubsub supports. */
	public static boolean isReactorNetty(ServerWebExchange exchange) {
		try {
			Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
			return nativeResponse instanceof HttpServerResponse;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Sends the 101 and opens the connection.
	 * @param onOpened called once the connection is registered, before {@code onOpen}
	 * @return completes once the 101 has been sent
	 */
	public Mono<Void> upgrade(ServerWebExchange exchange, EndpointSettings settings, UpgradeRequest request,
			@Nullable Principal principal, @Nullable Object data, @Nullable String subprotocol,
			ConnectionHandler handler, Runnable onOpened) {
		ServerHttpResponse response = exchange.getResponse();
		HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
		WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder();
		if (subprotocol != null) {
			builder.protocols(subprotocol);
		}
		// Compression stays off in Reactor's spec: its inflater has no size limit (a zip
		// bomb
		// would exhaust memory), so ours is installed instead, bounded by
		// max-payload-length.
		WebsocketServerSpec spec = builder.maxFramePayloadLength(settings.maxPayloadLength())
			.handlePing(true)
			.compress(false)
			.build();
		Mono<Void> handshake = Mono.defer(() -> {
			if (settings.deflate().enabled()) {
				offerDeflate(exchange, nativeResponse, settings);
			}
			holdEarlyFrames(nativeResponse);
			return nativeResponse.sendWebsocket((in, out) -> {
				in.withConnection((connection) -> {
					open(connection, settings, request, principal, data, subprotocol, handler, onOpened);
				});
				// Never completes: the frame handler owns closing, and completing on
				// close would keep
				// Reactor's subscriber, and with it the exchange, reachable for the
				// connection's life.
				return Mono.never();
			}, spec);
		});
		// setComplete runs WebFlux's pre-commit actions (security headers, session)
		// without writing.
		return response.setComplete().then(onEventLoop(((Connection) nativeResponse).channel().eventLoop(), handshake));
	}

	/**
	 * Runs the handshake on the connection's event loop, in one task with {@link #open}:
	 * after an asynchronous {@code @OnUpgrade} or filter it would run elsewhere, and the
	 * loop could read the client's first frames with Reactor's decoder before ours
	 * replaced it.
	 */
	private static Mono<Void> onEventLoop(EventLoop loop, Mono<Void> handshake) {
		return Mono.defer(() -> loop.inEventLoop() ? handshake : handshake.subscribeOn(Schedulers.fromExecutor(loop)));
	}

	/**
	 * Lets permessage-deflate be negotiated in the 101, as Reactor Netty does for
	 * {@code compress(true)}, but inflating with {@link MessageInflater}: bounded by the
	 * payload limit per message, and strict about RSV1.
	 */
	private static void offerDeflate(ServerWebExchange exchange, HttpServerResponse nativeResponse,
			EndpointSettings settings) {
		ChannelPipeline pipeline = ((Connection) nativeResponse).channel().pipeline();
		if (pipeline.get(WebSocketServerExtensionHandler.class) != null) {
			return;
		}
		WebSocketServerExtensionHandler extensions = new WebSocketServerExtensionHandler(
				new PerMessageDeflate(settings));
		HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		DefaultHttpRequest offer = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, nativeRequest.uri());
		offer.headers().set(nativeRequest.requestHeaders());
		// The handler reads the client's offer from the request, then answers it on the
		// 101 it sees go out.
		ChannelHandlerContext bridge = pipeline.context(NettyPipeline.ReactiveBridge);
		try {
			extensions.channelRead(bridge, offer);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not read the permessage-deflate offer", ex);
		}
		String codec = (pipeline.get(NettyPipeline.HttpCodec) != null) ? NettyPipeline.HttpCodec
				: pipeline.context(HttpServerCodec.class).name();
		pipeline.addAfter(codec, NettyPipeline.WsCompressionHandler, extensions);
	}

	/**
	 * Before the handshake: from it on, frames wait in {@link EarlyFrames} until
	 * {@link #open} takes them.
	 */
	private static void holdEarlyFrames(HttpServerResponse nativeResponse) {
		ChannelPipeline pipeline = ((Connection) nativeResponse).channel().pipeline();
		if (pipeline.get(EarlyFrames.NAME) == null) {
			// Not through Reactor's addHandlerLast: that would remove it when the HTTP
			// request completes.
			pipeline.addBefore(NettyPipeline.ReactiveBridge, EarlyFrames.NAME, new EarlyFrames());
		}
	}

	private void open(Connection nettyConnection, EndpointSettings settings, UpgradeRequest request,
			@Nullable Principal principal, @Nullable Object data, @Nullable String subprotocol,
			ConnectionHandler handler, Runnable onOpened) {
		Channel channel = nettyConnection.channel();
		boolean deflate = channel.pipeline().get(WebSocketExtensionEncoder.class) != null;
		channel.config().setWriteBufferWaterMark(waterMark(settings.backpressureLimit()));
		WsConnection connection = new WsConnection(channel, settings, request, principal, subprotocol, data,
				this.publishRouter, this.encoder, deflate, this.topicAuthorizer, this.topicLimits,
				this.sessions.metrics(), handler);
		MessageInflater inflater = takeInflater(channel.pipeline());
		FrameHandler frames = new FrameHandler(connection, this.sessions, inflater);
		// RSV1 is let through only to the inflater that reads it.
		replaceDecoder(channel, settings, inflater != null, frames);
		nettyConnection.addHandlerLast("wspubsub.frames", frames);
		// Reactor's operations would keep the request, the 101 and their headers for the
		// connection's
		// life; the UpgradeRequest holds its own compact copy of what is needed.
		if (!nettyConnection.rebind(new TakenOverConnection(channel))) {
			// Still bound to them: at least let their headers go.
			if (nettyConnection instanceof HttpServerResponse sent) {
				sent.responseHeaders().clear();
			}
			if (nettyConnection instanceof HttpServerRequest received) {
				received.requestHeaders().clear();
			}
		}
		this.sessions.add(connection);
		onOpened.run();
		// Reactor reads on demand from its inbound Flux, which we bypass: read
		// continuously instead.
		channel.config().setAutoRead(true);
		handler.onOpen(connection);
		if (channel.pipeline().get(EarlyFrames.NAME) instanceof EarlyFrames early) {
			early.release();
		}
	}

	/**
	 * The inflater of an agreed permessage-deflate, taken out of the pipeline: the frame
	 * handler calls it, as frames no longer pass through the pipeline.
	 */
	private static @Nullable MessageInflater takeInflater(ChannelPipeline pipeline) {
		PerMessageDeflate.Inflation inflation = pipeline.get(PerMessageDeflate.Inflation.class);
		if (inflation == null) {
			return null;
		}
		pipeline.remove(inflation);
		return inflation.inflater;
	}

	/**
	 * Swaps Reactor Netty's frame decoder for ours, which hands frames straight to
	 * {@link FrameHandler} and never closes on its own, so that the frame handler sends
	 * the close frame of every protocol violation: Netty's own answer to an invalid close
	 * frame (a reserved code, a one-byte body) is to drop the connection without one.
	 */
	private static void replaceDecoder(Channel channel, EndpointSettings settings, boolean deflate,
			FrameHandler frames) {
		ChannelHandlerContext decoder = channel.pipeline().context(WebSocketFrameDecoder.class);
		if (decoder == null) {
			return;
		}
		// Called as the handshake completes, before the first read: the old decoder holds
		// no partial frame.
		channel.pipeline()
			.replace(decoder.name(), decoder.name(), new WsFrameDecoder(frames, settings.maxPayloadLength(), deflate));
	}

	private WriteBufferWaterMark waterMark(long limit) {
		return this.waterMarks.computeIfAbsent(limit, (high) -> {
			int highMark = (int) Math.min(Integer.MAX_VALUE, high);
			return new WriteBufferWaterMark(highMark / 2, highMark);
		});
	}

}
