package dev.wspubsub.transport;

import java.util.HashMap;
import java.util.Map;

import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import org.jspecify.annotations.Nullable;

/**
 * Netty's permessage-deflate handshaker with the no-context-takeover settings applied to every
 * offer. Netty's own applies them only to an offer that asks for them, so a client that does
 * not (no browser asks for {@code server_no_context_takeover}) would get context takeover
 * whatever the settings; RFC 7692 §7.1.1.1 and §7.1.1.2 let a server add either parameter to
 * the response it accepts an offer with.
 */
final class DeflateHandshaker implements WebSocketServerExtensionHandshaker {

	private static final String EXTENSION = "permessage-deflate";

	private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";

	private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";

	private final EndpointSettings.Deflate settings;

	private final PerMessageDeflateServerExtensionHandshaker netty;

	DeflateHandshaker(EndpointSettings.Deflate settings, int maxPayloadLength) {
		this.settings = settings;
		this.netty = new PerMessageDeflateServerExtensionHandshaker(6,
				ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), 15, settings.serverNoContextTakeover(),
				settings.clientNoContextTakeover(), maxPayloadLength);
	}

	@Override
	public @Nullable WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
		if (!EXTENSION.equals(offer.name())) {
			return null;
		}
		Map<String, String> parameters = new HashMap<>(offer.parameters());
		if (this.settings.serverNoContextTakeover()) {
			parameters.putIfAbsent(SERVER_NO_CONTEXT, null);
		}
		if (this.settings.clientNoContextTakeover()) {
			parameters.putIfAbsent(CLIENT_NO_CONTEXT, null);
		}
		return this.netty.handshakeExtension(new WebSocketExtensionData(offer.name(), parameters));
	}

}
