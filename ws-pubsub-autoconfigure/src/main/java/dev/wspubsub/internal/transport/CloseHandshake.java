package dev.wspubsub.internal.transport;

import java.util.concurrent.TimeUnit;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.WsSession;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The one close state machine of a connection, OPEN → CLOSING → CLOSED, as RFC 6455 §7
 * describes it: every close goes through here, whoever starts it (the application, the
 * peer's close frame, a protocol error, the idle timeout), so a close frame is sent at
 * most once and the code {@code @OnClose} reports is the one that was sent or received.
 * State changes happen on the event loop; {@link #readyState()} may be read from
 * anywhere.
 */
final class CloseHandshake {

	/** How long a close we sent waits for the peer's close frame. */
	static final long TIMEOUT_MILLIS = 3000;

	private final Channel channel;

	private final Outbound outbound;

	private volatile int readyState = WsSession.OPEN;

	/**
	 * Whether our close frame is on its way; after it, only the peer's close frame
	 * matters.
	 */
	private boolean sent;

	private int code = CloseCodes.ABNORMAL;

	private String reason = "";

	private @Nullable ScheduledFuture<?> timer;

	CloseHandshake(Channel channel, Outbound outbound) {
		this.channel = channel;
		this.outbound = outbound;
	}

	int readyState() {
		return this.readyState;
	}

	boolean isOpen() {
		return this.readyState == WsSession.OPEN;
	}

	/** Whether our close frame went out: frames read after it are ignored. */
	boolean isCloseSent() {
		return this.sent;
	}

	/** The code {@code @OnClose} reports: the one sent or received, 1006 if none was. */
	int code() {
		return this.code;
	}

	String reason() {
		return this.reason;
	}

	/**
	 * A close the application asked for: send our frame, then wait a bounded time for the
	 * peer's.
	 */
	void close(int code, String reason) {
		if (this.sent || this.readyState == WsSession.CLOSED) {
			return;
		}
		begin(code, reason);
		this.channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
		armTimer();
	}

	/**
	 * The peer's close frame: answers it with the same code (RFC 6455 §5.5.1), or ends
	 * the connection if it answers ours. {@code code} is -1 for a close frame without a
	 * body.
	 */
	void peerClosed(int code, String reason) {
		if (this.sent) {
			// The peer acknowledges our close: @OnClose reports the code and reason we
			// sent.
			this.readyState = WsSession.CLOSING;
			this.channel.close();
			return;
		}
		begin((code == -1) ? CloseCodes.NO_STATUS : code, (code == -1) ? "" : reason);
		// An empty close is answered with an empty close.
		CloseWebSocketFrame echo = (code == -1) ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
		this.channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
		armTimer();
	}

	/**
	 * Fails the connection (a protocol error, the idle timeout): sends a close frame and
	 * drops the connection as soon as it is written.
	 */
	void fail(int code, String reason) {
		if (this.sent) {
			this.channel.close();
			return;
		}
		begin(code, reason);
		// A lingering close: half-close after our frame and let the peer close, so a
		// client
		// still sending (say, the rest of an oversized frame) reads the code instead of a
		// reset.
		// The decoder discards what still arrives; the timer bounds the wait.
		this.channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener((future) -> {
			if (future.isSuccess() && this.channel instanceof DuplexChannel duplex) {
				duplex.shutdownOutput();
			}
			else {
				this.channel.close();
			}
		});
		armTimer();
	}

	/** Drops the TCP connection without a close frame. */
	void terminate() {
		this.readyState = WsSession.CLOSED;
		this.channel.close();
	}

	/** The channel is gone: the state is final. */
	void closed() {
		this.readyState = WsSession.CLOSED;
		if (this.timer != null) {
			this.timer.cancel(false);
		}
	}

	private void begin(int code, String reason) {
		this.sent = true;
		this.code = code;
		this.reason = reason;
		this.readyState = WsSession.CLOSING;
		this.outbound.handOver(); // frames batched before the close go first
	}

	/**
	 * Bounds every closing handshake: a peer that stopped reading never lets our close
	 * frame be written, so the write's listener alone would keep the connection forever.
	 */
	private void armTimer() {
		if (this.timer == null) {
			this.timer = this.channel.eventLoop()
				.schedule(() -> this.channel.close(), TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * RFC 6455 §7.4: the codes an endpoint may send, and so the only ones it may receive.
	 * 1004-1006 and 1015 are reserved for reports that never travel, the rest below 3000
	 * are unassigned, and nothing is defined from 5000.
	 */
	static boolean isValidCode(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	/**
	 * A close frame's reason must fit in 123 bytes; cut whole characters until it does.
	 */
	private static String truncate(String reason) {
		String cut = reason;
		while (ByteBufUtil.utf8Bytes(cut) > 123) {
			cut = cut.substring(0, cut.offsetByCodePoints(0, cut.codePointCount(0, cut.length()) - 1));
		}
		return cut;
	}

}
