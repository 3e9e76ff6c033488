package dev.wspubsub.transport;

import java.security.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.cluster.Broker;
import dev.wspubsub.topic.PayloadEncoder;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns an accepted WebFlux exchange into a WebSocket on Reactor Netty, then takes the
 * channel over: our frame handler sits in front of Reactor's inbound bridge and writes go
 * straight to the channel, so no Reactor operator runs per frame.
 */
public final class Upgrader {

	private final Broker broker;

	private final PayloadEncoder encoder;

	private final SessionRegistry sessions;

	private final Map<Long, WriteBufferWaterMark> waterMarks = new ConcurrentHashMap<>();

	public Upgrader(Broker broker, PayloadEncoder encoder, SessionRegistry sessions) {
		this.broker = Objects.requireNonNull(broker, "broker");
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
	 * @return completes when the connection has closed
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
		WebsocketServerSpec spec = builder.maxFramePayloadLength(settings.maxPayloadLength())
			.handlePing(true)
			.compress(settings.deflate().enabled())
			.compressionAllowServerNoContext(settings.deflate().serverNoContextTakeover())
			.compressionPreferredClientNoContext(settings.deflate().clientNoContextTakeover())
			.build();
		// setComplete runs WebFlux's pre-commit actions (security headers, session) without writing.
		return response.setComplete()
			.then(Mono.defer(() -> nativeResponse.sendWebsocket((in, out) -> {
				Channel[] channel = new Channel[1];
				in.withConnection((connection) -> {
					channel[0] = connection.channel();
					open(connection, settings, request, principal, data, subprotocol, handler, onOpened);
				});
				return closed(channel[0]);
			}, spec)));
	}

	private void open(Connection nettyConnection, EndpointSettings settings, UpgradeRequest request,
			@Nullable Principal principal, @Nullable Object data, @Nullable String subprotocol,
			ConnectionHandler handler, Runnable onOpened) {
		Channel channel = nettyConnection.channel();
		boolean deflate = channel.pipeline().get(WebSocketExtensionEncoder.class) != null;
		channel.config().setWriteBufferWaterMark(waterMark(settings.backpressureLimit()));
		WsConnection connection = new WsConnection(channel, settings, request, principal, subprotocol, data,
				this.broker, this.encoder, deflate, this.sessions.metrics());
		FrameHandler frames = new FrameHandler(connection, handler, this.sessions);
		nettyConnection.addHandlerLast("wspubsub.utf8", new Utf8FrameValidator(true));
		nettyConnection.addHandlerLast("wspubsub.frames", frames);
		this.sessions.add(connection);
		onOpened.run();
		// Reactor reads on demand from its inbound Flux, which we bypass: read continuously instead.
		channel.config().setAutoRead(true);
		handler.onOpen(connection);
	}

	private WriteBufferWaterMark waterMark(long limit) {
		return this.waterMarks.computeIfAbsent(limit, (high) -> {
			int highMark = (int) Math.min(Integer.MAX_VALUE, high);
			return new WriteBufferWaterMark(highMark / 2, highMark);
		});
	}

	private static Mono<Void> closed(@Nullable Channel channel) {
		if (channel == null) {
			return Mono.empty();
		}
		return Mono.create((sink) -> channel.closeFuture().addListener((future) -> sink.success()));
	}
}
