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
 * Reads the frames of one connection, from {@link WsFrameDecoder}: inflates compressed
 * messages ({@link MessageInflater}), checks that text is UTF-8 (here rather than in a
 * validator handler of its own, which every connection would keep), reassembles
 * fragmented messages within the payload limit, answers pings and close frames (echoing
 * the code, RFC 6455 §5.5.1), tracks idleness, and hands complete messages to the
 * {@link ConnectionHandler}. It consumes every frame, so nothing reaches Reactor's
 * inbound Flux.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter implements WsFrameDecoder.Frames {

	private static final Log logger = LogFactory.getLog(FrameHandler.class);

	private static final String NOT_UTF8 = "bytes are not UTF-8";

	/** RSV1, permessage-deflate's mark of a compressed message. */
	private static final int RSV1 = 0b100;

	private final WsConnection connection;

	private final ConnectionHandler handler;

	private final SessionRegistry sessions;

	private final CloseHandshake closing;

	private final Outbound outbound;

	private final long idleTimeoutNanos;

	/** Inflates compressed messages when permessage-deflate was agreed, else null. */
	private final @Nullable MessageInflater inflater;

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

	FrameHandler(WsConnection connection, SessionRegistry sessions, @Nullable MessageInflater inflater) {
		this.inflater = inflater;
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

	/**
	 * Frames Reactor's decoder made before {@link WsFrameDecoder} took over (see
	 * {@link EarlyFrames}); everything else comes through {@link #frame}.
	 */
	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			if (!(msg instanceof WebSocketFrame frame)) {
				return;
			}
			int opcode = opcodeOf(frame);
			boolean mayCompress = this.inflater != null
					&& (opcode == WsFrameDecoder.TEXT || opcode == WsFrameDecoder.BINARY);
			if ((frame.rsv() & ~(mayCompress ? RSV1 : 0)) == 0) {
				frame(opcode, frame.isFinalFragment(), frame.rsv() != 0, frame.content());
			}
			else if (!this.closing.isCloseSent()) {
				markRead();
				protocolError(CloseCodes.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	private static int opcodeOf(WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame) {
			return WsFrameDecoder.TEXT;
		}
		if (frame instanceof BinaryWebSocketFrame) {
			return WsFrameDecoder.BINARY;
		}
		if (frame instanceof ContinuationWebSocketFrame) {
			return WsFrameDecoder.CONTINUATION;
		}
		if (frame instanceof PingWebSocketFrame) {
			return WsFrameDecoder.PING;
		}
		if (frame instanceof PongWebSocketFrame) {
			return WsFrameDecoder.PONG;
		}
		return WsFrameDecoder.CLOSE;
	}

	private void markRead() {
		this.lastReadNanos = System.nanoTime();
		this.pingOutstanding = false;
	}

	@Override
	public void frame(int opcode, boolean fin, boolean compressed, ByteBuf payload) {
		markRead();
		if (this.closing.isCloseSent() && opcode != WsFrameDecoder.CLOSE) {
			return; // after our close, only the peer's close matters
		}
		switch (opcode) {
			case WsFrameDecoder.TEXT, WsFrameDecoder.BINARY, WsFrameDecoder.CONTINUATION ->
				onData(opcode, fin, compressed, payload);
			case WsFrameDecoder.PING -> {
				byte[] data = ByteBufUtil.getBytes(payload);
				this.outbound.answerPing(data);
				this.handler.onPing(this.connection, data);
			}
			case WsFrameDecoder.PONG -> this.handler.onPong(this.connection, ByteBufUtil.getBytes(payload));
			case WsFrameDecoder.CLOSE -> onClose(payload);
			default -> protocolError(CloseCodes.PROTOCOL_ERROR, "reserved opcode " + opcode);
		}
	}

	@Override
	public void violation(int closeCode, String reason) {
		protocolError(closeCode, reason);
	}

	/** A data frame, inflated first if its message is compressed. */
	private void onData(int opcode, boolean fin, boolean compressed, ByteBuf payload) {
		MessageInflater inflater = this.inflater;
		if (inflater != null && opcode != WsFrameDecoder.CONTINUATION) {
			inflater.begin(compressed);
		}
		if (inflater == null || !inflater.isCompressed()) {
			onPlainData(opcode, fin, payload);
			return;
		}
		ByteBuf plain;
		try {
			plain = inflater.inflate(this.connection.channel().alloc(), payload, fin);
		}
		catch (CorruptedWebSocketFrameException ex) {
			String reason = ex.getMessage();
			protocolError(ex.closeStatus().code(), (reason != null) ? reason : ex.closeStatus().reasonText());
			return;
		}
		try {
			onPlainData(opcode, fin, plain);
		}
		finally {
			plain.release();
		}
	}

	private void onPlainData(int opcode, boolean fin, ByteBuf payload) {
		if (opcode == WsFrameDecoder.CONTINUATION) {
			onContinuation(fin, payload);
		}
		else {
			onMessageStart(opcode == WsFrameDecoder.TEXT, fin, payload);
		}
	}

	private void onMessageStart(boolean text, boolean fin, ByteBuf payload) {
		if (this.fragments != null) {
			protocolError(CloseCodes.PROTOCOL_ERROR, "new data frame inside a fragmented message");
			return;
		}
		if (fin) {
			if (text && !ByteBufUtil.isText(payload, StandardCharsets.UTF_8)) {
				protocolError(CloseCodes.INVALID_PAYLOAD, NOT_UTF8);
				return;
			}
			dispatch(payload, text);
			return;
		}
		this.fragmentsAreText = text;
		if (this.utf8 == null) {
			this.utf8 = new Utf8Validator();
		}
		this.utf8.reset();
		this.fragments = this.connection.channel().alloc().buffer(Math.max(1024, 2 * payload.readableBytes()));
		this.fragmentsStartedNanos = System.nanoTime();
		if (text && !checkFragment(payload, false)) {
			return;
		}
		append(payload);
	}

	/**
	 * Checks a fragment of text, failing at the first byte no continuation could make
	 * UTF-8 (RFC 6455 §8.1), and at the end that the message does not stop mid-character.
	 * @return whether the text so far is valid
	 */
	private boolean checkFragment(ByteBuf payload, boolean last) {
		Utf8Validator utf8 = Objects.requireNonNull(this.utf8, "a text message in fragments has its validator");
		if (utf8.check(payload) && (!last || utf8.isComplete())) {
			return true;
		}
		protocolError(CloseCodes.INVALID_PAYLOAD, NOT_UTF8);
		return false;
	}

	private void onContinuation(boolean fin, ByteBuf payload) {
		if (this.fragments == null) {
			protocolError(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message to continue");
			return;
		}
		if (this.fragmentsAreText && !checkFragment(payload, fin)) {
			return;
		}
		if (!append(payload)) {
			return;
		}
		if (fin) {
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

	private boolean append(ByteBuf payload) {
		ByteBuf message = this.fragments;
		if (message == null) {
			return false;
		}
		if ((long) message.readableBytes() + payload.readableBytes() > this.connection.settings().maxPayloadLength()) {
			protocolError(CloseCodes.MESSAGE_TOO_BIG, "message over max-payload-length");
			return false;
		}
		message.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
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

	/**
	 * The peer's close frame: a body, if any, is a code the peer may send and a UTF-8
	 * reason (RFC 6455 §5.5.1, §7.4); the decoder refused a one-byte body.
	 */
	private void onClose(ByteBuf payload) {
		int length = payload.readableBytes();
		if (length < 2) {
			this.closing.peerClosed(-1, "");
			return;
		}
		int index = payload.readerIndex();
		int code = payload.getUnsignedShort(index);
		if (!CloseHandshake.isValidCode(code)) {
			protocolError(CloseCodes.PROTOCOL_ERROR, "close code " + code + " is not allowed on the wire");
			return;
		}
		if (!ByteBufUtil.isText(payload, index + 2, length - 2, StandardCharsets.UTF_8)) {
			protocolError(CloseCodes.INVALID_PAYLOAD, "close reason " + NOT_UTF8);
			return;
		}
		this.closing.peerClosed(code, payload.toString(index + 2, length - 2, StandardCharsets.UTF_8));
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
			// Reactor's decoder, before ours took over, never closes on its own: the
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
		if (this.inflater != null) {
			this.inflater.end();
		}
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
