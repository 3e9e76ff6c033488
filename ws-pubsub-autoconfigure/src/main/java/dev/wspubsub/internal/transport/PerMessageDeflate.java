package dev.wspubsub.internal.transport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import org.jspecify.annotations.Nullable;

/**
 * Negotiates permessage-deflate (RFC 7692) as Netty does and compresses with Netty's
 * encoder, but inflates with {@link MessageInflater}, called by {@link FrameHandler}
 * rather than from the pipeline: Netty's decoder drops the connection when a fragment
 * inflates to nothing on its own, accepts RSV1 on continuation frames, and bounds each
 * frame rather than the message. The no-context-takeover settings apply to every offer:
 * Netty applies them only to an offer that asks for them (no browser asks for
 * {@code server_no_context_takeover}), and RFC 7692 §7.1.1 lets a server add either
 * parameter to the response it accepts an offer with.
 */
final class PerMessageDeflate implements WebSocketServerExtensionHandshaker {

	private static final String EXTENSION = "permessage-deflate";

	private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

	private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";

	private final EndpointSettings.Deflate deflate;

	private final PerMessageDeflateServerExtensionHandshaker negotiation;

	private final int maxPayloadLength;

	PerMessageDeflate(EndpointSettings settings) {
		EndpointSettings.Deflate deflate = settings.deflate();
		this.deflate = deflate;
		this.maxPayloadLength = settings.maxPayloadLength();
		// Window size 15 (32 KB) for what we send: the only size every client accepts.
		this.negotiation = new PerMessageDeflateServerExtensionHandshaker(6,
				ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), 15, deflate.serverNoContextTakeover(),
				deflate.clientNoContextTakeover(), this.maxPayloadLength);
	}

	@Override
	public @Nullable WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
		if (!EXTENSION.equals(offer.name())) {
			return null;
		}
		Map<String, String> parameters = new HashMap<>(offer.parameters());
		if (this.deflate.serverNoContextTakeover()) {
			parameters.putIfAbsent(SERVER_NO_CONTEXT_TAKEOVER, null);
		}
		if (this.deflate.clientNoContextTakeover()) {
			parameters.putIfAbsent(CLIENT_NO_CONTEXT_TAKEOVER, null);
		}
		WebSocketServerExtension agreed = this.negotiation
			.handshakeExtension(new WebSocketExtensionData(offer.name(), parameters));
		return (agreed != null) ? new Agreed(agreed, this.maxPayloadLength) : null;
	}

	/** Netty's agreement, with our inflater in place of its decoder. */
	private record Agreed(WebSocketServerExtension netty, int maxPayloadLength) implements WebSocketServerExtension {

		@Override
		public int rsv() {
			return this.netty.rsv();
		}

		@Override
		public WebSocketExtensionEncoder newExtensionEncoder() {
			return this.netty.newExtensionEncoder();
		}

		@Override
		public WebSocketExtensionDecoder newExtensionDecoder() {
			// The client drops its context after each message only if the agreement says
			// so.
			boolean noContext = this.netty.newReponseData().parameters().containsKey(CLIENT_NO_CONTEXT_TAKEOVER);
			return new Inflation(new MessageInflater(noContext, this.maxPayloadLength));
		}

		@Override
		public WebSocketExtensionData newReponseData() {
			return this.netty.newReponseData();
		}

	}

	/**
	 * Where the agreement leaves its inflater: Netty's extension handler puts it in the
	 * pipeline, and {@link Upgrader} takes it out and hands the inflater to the
	 * connection's {@link FrameHandler}, which inflates what {@link WsFrameDecoder}
	 * reads. Frames never pass through it.
	 */
	static final class Inflation extends WebSocketExtensionDecoder {

		final MessageInflater inflater;

		Inflation(MessageInflater inflater) {
			this.inflater = inflater;
		}

		@Override
		public boolean acceptInboundMessage(Object msg) {
			return false;
		}

		@Override
		protected void decode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) {
			out.add(msg.retain()); // not reached: nothing is accepted
		}

	}

}
