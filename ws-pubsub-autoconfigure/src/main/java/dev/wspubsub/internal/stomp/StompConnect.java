package dev.wspubsub.internal.stomp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.internal.transport.WsConnection;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/**
 * CONNECT and STOMP frames: the version both sides speak, the heart-beats both ways, and
 * the CONNECTED answer.
 */
final class StompConnect {

	/**
	 * A client silent for this many of its heart-beat intervals is gone (Spring's
	 * factor).
	 */
	private static final int MISSED_HEARTBEATS = 3;

	private final StompSettings settings;

	private final StompWriter writer;

	private final String serverName;

	StompConnect(StompSettings settings, StompWriter writer, String serverName) {
		this.settings = settings;
		this.writer = writer;
		this.serverName = serverName;
	}

	void connect(StompSession session, StompFrame frame) {
		if (session.isConnected()) {
			throw new StompProtocolException("already connected");
		}
		StompVersion version = negotiate(frame.header("accept-version"),
				StompVersion.ofSubprotocol(session.connection().subprotocol()));
		long[] clientBeats = heartbeat(frame.header("heart-beat"));
		long serverSend = this.settings.heartbeatSend().toMillis();
		long serverReceive = this.settings.heartbeatReceive().toMillis();
		session.connected(version);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("version", version.text());
		headers.put("heart-beat", serverSend + "," + serverReceive);
		headers.put("server", this.serverName);
		headers.put("session", session.id());
		if (session.principal() != null) {
			headers.put("user-name", session.principal().getName());
		}
		this.writer.write(session, StompFrame.of(StompCommand.CONNECTED, headers));
		long sendEvery = (serverSend > 0 && clientBeats[1] > 0) ? Math.max(serverSend, clientBeats[1]) : 0;
		long expectEvery = (serverReceive > 0 && clientBeats[0] > 0) ? Math.max(serverReceive, clientBeats[0]) : 0;
		scheduleHeartbeats(session, sendEvery, expectEvery);
	}

	/**
	 * The highest version both sides speak; the WebSocket subprotocol, when one was
	 * agreed, caps it.
	 */
	private static StompVersion negotiate(@Nullable String acceptVersion, @Nullable StompVersion subprotocol) {
		if (acceptVersion == null) {
			// STOMP 1.0 clients send no accept-version; a v1x.stomp subprotocol still
			// names one.
			return (subprotocol != null) ? subprotocol : StompVersion.V1_0;
		}
		StompVersion best = null;
		for (String offered : acceptVersion.split(",")) {
			StompVersion version = StompVersion.of(offered);
			if (version != null && (subprotocol == null || version.compareTo(subprotocol) <= 0)
					&& (best == null || version.compareTo(best) > 0)) {
				best = version;
			}
		}
		if (best == null) {
			throw new StompProtocolException("no supported version in accept-version '"
					+ StompDecoder.shorten(acceptVersion) + "': this server speaks 1.0, 1.1 and 1.2");
		}
		return best;
	}

	private static long[] heartbeat(@Nullable String header) {
		if (header == null) {
			return new long[] { 0, 0 };
		}
		String[] parts = header.split(",");
		try {
			if (parts.length == 2) {
				long send = Long.parseLong(parts[0].trim());
				long receive = Long.parseLong(parts[1].trim());
				if (send >= 0 && receive >= 0) {
					return new long[] { send, receive };
				}
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new StompProtocolException(
				"heart-beat '" + StompDecoder.shorten(header) + "' is not two non-negative numbers");
	}

	private void scheduleHeartbeats(StompSession session, long sendEvery, long expectEvery) {
		WsConnection connection = session.connection();
		EventLoop loop = connection.channel().eventLoop();
		if (sendEvery > 0) {
			session.heartbeat(loop.scheduleAtFixedRate(() -> this.writer.heartbeat(connection), sendEvery, sendEvery,
					TimeUnit.MILLISECONDS));
		}
		if (expectEvery > 0) {
			long deadline = Duration.ofMillis(expectEvery * MISSED_HEARTBEATS).toNanos();
			session.heartbeat(loop.scheduleAtFixedRate(() -> {
				if (System.nanoTime() - session.lastReadNanos() > deadline) {
					session.stopHeartbeats();
					connection.close(CloseCodes.POLICY_VIOLATION, "No heart-beat from the client");
				}
			}, expectEvery, expectEvery, TimeUnit.MILLISECONDS));
		}
	}

}
