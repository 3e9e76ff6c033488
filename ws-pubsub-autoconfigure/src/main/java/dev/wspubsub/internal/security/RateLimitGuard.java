package dev.wspubsub.internal.security;

import java.util.concurrent.atomic.AtomicLong;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.ErrorReply;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.WsConnection;
import io.netty.util.AttributeKey;

/**
 * Limits the messages each connection may send: a token bucket of
 * {@code ws-pubsub.rate-limit.messages-per-second} refilled up to {@code burst}. A
 * message over the limit is not handled; the client gets
 * {@code {"type":"error","error":"Rate limit exceeded"}}. When refused messages pile up
 * past {@code max-excess} (they drain at the same rate), the connection is closed with
 * 1008. Pings and pongs take from the same bucket: the transport answers each ping with a
 * pong, so a client could otherwise make the server write as fast as it sends. A control
 * frame over the limit gets no error reply and does not reach {@code @OnPing} or
 * {@code @OnPong}; its excess closes the connection like any other.
 */
public final class RateLimitGuard implements EndpointGuard {

	/** The reply to a message over the limit, and the close reason. */
	public static final String RATE_LIMIT_EXCEEDED = "Rate limit exceeded";

	private static final AttributeKey<TokenBucket> BUCKET = AttributeKey.valueOf("wspubsub.rateLimit");

	private final double messagesPerSecond;

	private final int burst;

	private final int maxExcess;

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong closed = new AtomicLong();

	/**
	 * @param messagesPerSecond sustained rate, strictly positive
	 * @param burst messages allowed at once; at least 1
	 * @param maxExcess refused messages, not yet drained, past which the connection is
	 * closed
	 */
	public RateLimitGuard(double messagesPerSecond, int burst, int maxExcess) {
		if (messagesPerSecond <= 0) {
			throw new IllegalArgumentException("messagesPerSecond must be strictly positive, was " + messagesPerSecond);
		}
		this.messagesPerSecond = messagesPerSecond;
		this.burst = Math.max(1, burst);
		this.maxExcess = Math.max(1, maxExcess);
	}

	@Override
	public ConnectionHandler decorate(ConnectionHandler handler) {
		return new RateLimitedHandler(handler);
	}

	/** Messages refused since start. */
	public long refused() {
		return this.refused.get();
	}

	/** Connections closed for persistent excess since start. */
	public long closed() {
		return this.closed.get();
	}

	/**
	 * Whether the connection may deliver one more message; replies and closes when not.
	 */
	private boolean admit(WsConnection connection, boolean replyWhenRefused) {
		TokenBucket bucket = connection.channel().attr(BUCKET).get();
		long now = System.nanoTime();
		if (bucket == null) {
			bucket = new TokenBucket(this.messagesPerSecond, this.burst, now);
			connection.channel().attr(BUCKET).set(bucket);
		}
		if (bucket.tryTake(now)) {
			return true;
		}
		this.refused.incrementAndGet();
		if (bucket.excess() > this.maxExcess) {
			if (connection.readyState() == WsConnection.OPEN) {
				this.closed.incrementAndGet();
				connection.close(CloseCodes.POLICY_VIOLATION, RATE_LIMIT_EXCEEDED);
			}
		}
		else if (replyWhenRefused) {
			connection.send(ErrorReply.of(RATE_LIMIT_EXCEEDED));
		}
		return false;
	}

	private final class RateLimitedHandler extends DelegatingConnectionHandler {

		RateLimitedHandler(ConnectionHandler delegate) {
			super(delegate);
		}

		@Override
		public void onText(WsConnection connection, String text) {
			if (admit(connection, true)) {
				super.onText(connection, text);
			}
		}

		@Override
		public void onBinary(WsConnection connection, byte[] data) {
			if (admit(connection, true)) {
				super.onBinary(connection, data);
			}
		}

		@Override
		public void onPing(WsConnection connection, byte[] data) {
			if (admit(connection, false)) {
				super.onPing(connection, data);
			}
		}

		@Override
		public void onPong(WsConnection connection, byte[] data) {
			if (admit(connection, false)) {
				super.onPong(connection, data);
			}
		}

	}

}
