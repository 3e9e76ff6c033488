package dev.wspubsub.internal.transport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.wspubsub.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads the frames of one connection, after Netty's decoder: checks that text is UTF-8
 * (here rather than in a validator handler of its own, which every connection would
 * keep), reassembles fragmented messages within the payload limit, answers pings and
 * close frames (echoing the code, RFC 6455 §5.5.1), tracks idleness, and hands complete
 * messages to the {@link ConnectionHandler}. It consumes every frame, so nothing reaches
 * Reactor's inbound Flux.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(FrameHandler.class);

	private static final String NOT_UTF8 = "bytes are not UTF-8";

	private final WsConnection connection;

	private final ConnectionHandler handler;

	private final SessionRegistry sessions;

	private final CloseHandshake closing;

	private final Outbound outbound;

	private final long idleTimeoutNanos;

	/**
	 * A fragmented message so far, in one buffer that grows by doubling: linear, not
	 * quadratic, copying.
	 */
	private @Nullable ByteBuf fragments;

	private boolean fragmentsAreText;

	/**
	 * Checks a fragmented text message as its fragments arrive, each byte once; made by
	 * the first one.
	 */
	private @Nullable Utf8Validator utf8;

	private long lastReadNanos = System.nanoTime();

	/**
	 * When the unfinished fragmented message began: it must end within the idle timeout,
	 * whatever else the peer sends meanwhile (its pings would keep the idle timer alive
	 * while a half-sent message up to max-payload-length is held).
	 */
	private long fragmentsStartedNanos;

	private boolean fragmentsTimedOut;

	private boolean pingOutstanding;

	private boolean closed;

	/**
	 * This connection's slot in its loop's {@link IdleSweeper}, -1 when not registered;
	 * event loop only.
	 */
	int sweeperSlot = -1;

	FrameHandler(WsConnection connection, SessionRegistry sessions) {
		this.connection = connection;
		this.handler = connection.handler();
		this.sessions = sessions;
		this.closing = connection.closing();
		this.outbound = connection.outbound();
		this.idleTimeoutNanos = connection.settings().idleTimeout().toNanos();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		if (this.idleTimeoutNanos > 0) {
			IdleSweeper.register(ctx.channel().eventLoop(), this);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		this.lastReadNanos = System.nanoTime();
		this.pingOutstanding = false;
		if (!(msg instanceof WebSocketFrame frame)) {
			ReferenceCountUtil.release(msg);
			return;
		}
		try {
			if (this.closing.isCloseSent() && !(frame instanceof CloseWebSocketFrame)) {
				return; // after our close, only the peer's close matters
			}
			if (frame.rsv() != 0) {
				// Extensions have already removed the bits they own (RSV1 for deflate).
				protocolError(CloseCodes.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
			}
			else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
				onDataFrame(ctx, frame);
			}
			else if (frame instanceof ContinuationWebSocketFrame) {
				onContinuation(ctx, frame);
			}
			else if (frame instanceof PingWebSocketFrame) {
				byte[] data = ByteBufUtil.getBytes(frame.content());
				this.outbound.answerPing(data);
				this.handler.onPing(this.connection, data);
			}
			else if (frame instanceof PongWebSocketFrame) {
				this.handler.onPong(this.connection, ByteBufUtil.getBytes(frame.content()));
			}
			else if (frame instanceof CloseWebSocketFrame close) {
				onClose(close);
			}
		}
		finally {
			frame.release();
		}
	}

	private void onDataFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
		if (this.fragments != null) {
			protocolError(CloseCodes.PROTOCOL_ERROR, "new data frame inside a fragmented message");
			return;
		}
		boolean text = frame instanceof TextWebSocketFrame;
		if (frame.isFinalFragment()) {
			if (text && !ByteBufUtil.isText(frame.content(), StandardCharsets.UTF_8)) {
				protocolError(CloseCodes.INVALID_PAYLOAD, NOT_UTF8);
				return;
			}
			dispatch(frame.content(), text);
			return;
		}
		this.fragmentsAreText = text;
		if (this.utf8 == null) {
			this.utf8 = new Utf8Validator();
		}
		this.utf8.reset();
		this.fragments = ctx.alloc().buffer(Math.max(1024, 2 * frame.content().readableBytes()));
		this.fragmentsStartedNanos = System.nanoTime();
		if (text && !checkFragment(frame, false)) {
			return;
		}
		append(frame);
	}

	/**
	 * Checks a fragment of text, failing at the first byte no continuation could make
	 * UTF-8 (RFC 6455 §8.1), and at the end that the message does not stop mid-character.
	 * @return whether the text so far is valid
	 */
	private boolean checkFragment(WebSocketFrame frame, boolean last) {
		Utf8Validator utf8 = Objects.requireNonNull(this.utf8, "a text message in fragments has its validator");
		if (utf8.check(frame.content()) && (!last || utf8.isComplete())) {
			return true;
		}
		protocolError(CloseCodes.INVALID_PAYLOAD, NOT_UTF8);
		return false;
	}

	private void onContinuation(ChannelHandlerContext ctx, WebSocketFrame frame) {
		if (this.fragments == null) {
			protocolError(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message to continue");
			return;
		}
		if (this.fragmentsAreText && !checkFragment(frame, frame.isFinalFragment())) {
			return;
		}
		if (!append(frame)) {
			return;
		}
		if (frame.isFinalFragment()) {
			ByteBuf message = this.fragments;
			this.fragments = null;
			try {
				dispatch(message, this.fragmentsAreText);
			}
			finally {
				message.release();
			}
		}
	}

	private boolean append(WebSocketFrame frame) {
		ByteBuf message = this.fragments;
		if (message == null) {
			return false;
		}
		if ((long) message.readableBytes() + frame.content().readableBytes() > this.connection.settings()
			.maxPayloadLength()) {
			protocolError(CloseCodes.MESSAGE_TOO_BIG, "message over max-payload-length");
			return false;
		}
		message.writeBytes(frame.content());
		return true;
	}

	/**
	 * Hands over a whole message, within max-payload-length: the decoder, the inflater
	 * and {@link #append} saw to that.
	 */
	private void dispatch(ByteBuf payload, boolean text) {
		this.sessions.metrics().messageReceived(this.connection, text, payload.readableBytes());
		if (text) {
			this.handler.onText(this.connection, payload.toString(StandardCharsets.UTF_8));
		}
		else {
			this.handler.onBinary(this.connection, ByteBufUtil.getBytes(payload));
		}
	}

	private void onClose(CloseWebSocketFrame close) {
		int code = close.statusCode();
		if (code != -1 && !CloseHandshake.isValidCode(code)) {
			protocolError(CloseCodes.PROTOCOL_ERROR, "close code " + code + " is not allowed on the wire");
			return;
		}
		this.closing.peerClosed(code, close.reasonText());
	}

	private void protocolError(int code, String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug(this.connection + ": closing with " + code + ": " + reason);
		}
		releaseFragments();
		this.closing.fail(code, reason);
	}

	/**
	 * @return whether the connection is past its idle timeout; the sweeper then calls
	 * {@link #closeIdle()}
	 */
	boolean checkIdle(long now) {
		if (this.closed || this.closing.isCloseSent()) {
			return false;
		}
		if (!this.connection.channel().config().isAutoRead()) {
			// Reading is paused while handlers catch up: the client is not idle, we are
			// busy, and a message in fragments cannot go on.
			this.lastReadNanos = now;
			this.fragmentsStartedNanos = now;
			return false;
		}
		if (this.fragments != null && now - this.fragmentsStartedNanos >= this.idleTimeoutNanos) {
			this.fragmentsTimedOut = true;
			return true;
		}
		long idle = now - this.lastReadNanos;
		if (idle >= this.idleTimeoutNanos) {
			return true;
		}
		else if (this.connection.settings().sendPings() && !this.pingOutstanding && idle >= this.idleTimeoutNanos / 2) {
			// Half-way: a live client's pong resets the clock long before the deadline.
			this.pingOutstanding = true;
			this.outbound.writeAndFlushNow(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
		}
		return false;
	}

	void closeIdle() {
		if (this.closed || this.closing.isCloseSent()) {
			return;
		}
		if (this.fragmentsTimedOut) {
			protocolError(CloseCodes.POLICY_VIOLATION, "Message not completed within the idle timeout");
		}
		else {
			this.closing.fail(CloseCodes.NORMAL, "Idle timeout");
		}
	}

	long idleTimeoutNanos() {
		return this.idleTimeoutNanos;
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		this.connection.drainIfWritable();
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof CorruptedWebSocketFrameException corrupted) {
			// The decoder and the inflater never close on their own (see Upgrader): the
			// close frame is ours.
			String reason = corrupted.getMessage();
			protocolError(corrupted.closeStatus().code(),
					(reason != null) ? reason : corrupted.closeStatus().reasonText());
		}
		else if (cause instanceof CorruptedFrameException) {
			this.closing.fail(CloseCodes.PROTOCOL_ERROR, "Invalid frame");
		}
		else {
			if (logger.isDebugEnabled()) {
				logger.debug(this.connection + ": connection error", cause);
			}
			ctx.close();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		finish();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		releaseFragments();
		finish();
	}

	private void finish() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		releaseFragments();
		this.closing.closed();
		IdleSweeper.unregister(this);
		this.connection.subscriptionState().clear();
		this.sessions.remove(this.connection, this.closing.code());
		try {
			this.handler.onClose(this.connection, this.closing.code(), this.closing.reason());
		}
		catch (RuntimeException ex) {
			logger.warn(this.connection + ": close handler failed", ex);
		}
	}

	private void releaseFragments() {
		if (this.fragments != null) {
			this.fragments.release();
			this.fragments = null;
		}
	}

}
