package dev.wspubsub.internal.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The effective settings of one endpoint: the {@code ws-pubsub.*} properties with the
 * endpoint's own overrides applied.
 *
 * @param path the endpoint path
 * @param maxPayloadLength largest message in bytes; larger closes with 1009
 * @param idleTimeout how long without a received frame before closing; zero disables
 * @param sendPings whether the server pings idle connections so live ones stay open
 * @param backpressureLimit buffered bytes above which sends answer {@code -1}
 * @param closeOnBackpressureLimit whether to close instead of buffering past the limit
 * @param publishToSelf whether a session's publish reaches the session itself
 * @param deflate permessage-deflate settings
 * @param subprotocols subprotocols accepted, in order of preference
 */
public record EndpointSettings(String path, int maxPayloadLength, Duration idleTimeout, boolean sendPings,
		long backpressureLimit, boolean closeOnBackpressureLimit, boolean publishToSelf, Deflate deflate,
		List<String> subprotocols) {

	public EndpointSettings {
		Objects.requireNonNull(path, "path");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		Objects.requireNonNull(deflate, "deflate");
		subprotocols = List.copyOf(subprotocols);
		if (maxPayloadLength <= 0) {
			throw new IllegalArgumentException("maxPayloadLength must be strictly positive, was " + maxPayloadLength);
		}
		if (backpressureLimit <= 0) {
			throw new IllegalArgumentException("backpressureLimit must be strictly positive, was " + backpressureLimit);
		}
		if (idleTimeout.isNegative()) {
			throw new IllegalArgumentException("idleTimeout must not be negative, was " + idleTimeout);
		}
	}

	/**
	 * permessage-deflate (RFC 7692) as Reactor Netty negotiates it.
	 *
	 * @param enabled whether the extension is offered
	 * @param serverNoContextTakeover whether the server may drop its compression context
	 * between messages
	 * @param clientNoContextTakeover whether the server asks clients to drop theirs
	 */
	public record Deflate(boolean enabled, boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
	}
}
