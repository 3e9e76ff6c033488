package dev.wspubsub.internal.transport;

import io.netty.channel.Channel;
import reactor.netty.Connection;

/**
 * What Reactor Netty finds bound to a channel once ws-pubsub has taken it over: the
 * channel and nothing else. Bound in place of Reactor's WebSocket operations, which hold
 * the HTTP request and the 101 response with their headers, the cookies, the handshaker
 * and the inbound Flux for the connection's whole life, though ws-pubsub reads and writes
 * the channel itself; with this bound, they can be collected. Reactor then treats the
 * channel as it treats one without operations: it still sees it close, and a server
 * disposed while it is open closes it at once instead of waiting for it to end.
 */
final class TakenOverConnection implements Connection {

	private final Channel channel;

	TakenOverConnection(Channel channel) {
		this.channel = channel;
	}

	@Override
	public Channel channel() {
		return this.channel;
	}

}
