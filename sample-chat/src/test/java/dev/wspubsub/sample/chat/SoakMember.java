package dev.wspubsub.sample.chat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One chat user of a soak, on a raw Netty WebSocket: it joins its room, answers the
 * server's heartbeat, sends what the pacer tells it to, and checks every chat message of
 * its room as it arrives: from a member of the room, in each sender's order, counted per
 * sender and phase. Its counters are written on its channel's event loop only and read
 * there too ({@link #tally}).
 */
final class SoakMember extends SimpleChannelInboundHandler<WebSocketFrame> {

	private static final String TEXT = "\"text\":\"";

	private static final byte[] USER_NEWS = "{\"type\":\"user_".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PRESENCE_LIST = "{\"type\":\"presence_list\"".getBytes(StandardCharsets.US_ASCII);

	private final int index;

	private final int roomBase;

	private final String room;

	private final SoakTraffic traffic;

	private final CompletableFuture<Void> joined = new CompletableFuture<>();

	private volatile Channel channel;

	/** Written by the pacer's one thread. */
	private int sequence;

	private final long[] sentByPhase = new long[2];

	/** Written on the event loop. */
	private final int[] lastSequence;

	private final long[][] receivedByPhase;

	private final long[] disorderByPhase = new long[2];

	record Tally(long[][] receivedByPhase, long[] disorderByPhase, boolean open) {
	}

	SoakMember(int index, int roomSize, SoakTraffic traffic) {
		this.index = index;
		this.roomBase = index - index % roomSize;
		this.room = "soak-" + (index / roomSize);
		this.traffic = traffic;
		this.lastSequence = new int[roomSize];
		this.receivedByPhase = new long[2][roomSize];
	}

	CompletableFuture<Void> joined() {
		return this.joined;
	}

	int index() {
		return this.index;
	}

	int roomBase() {
		return this.roomBase;
	}

	/**
	 * From the pacer: one chat message, carrying who sent it, in which phase, its number
	 * and when.
	 */
	void send() {
		int phase = this.traffic.phase();
		int seq = ++this.sequence;
		this.sentByPhase[phase]++;
		this.traffic.sent();
		this.channel.writeAndFlush(new TextWebSocketFrame("{\"type\":\"chat\",\"room\":\"" + this.room
				+ "\",\"text\":\"" + this.index + " " + phase + " " + seq + " " + System.nanoTime() + "\"}"));
	}

	/** Read once the pacer has stopped. */
	long sent(int phase) {
		return this.sentByPhase[phase];
	}

	/** Its receive counters, read on its event loop (so they are seen as written). */
	Tally tally() throws Exception {
		return this.channel.eventLoop()
			.submit(() -> new Tally(new long[][] { this.receivedByPhase[0].clone(), this.receivedByPhase[1].clone() },
					this.disorderByPhase.clone(), this.channel.isActive()))
			.get();
	}

	void close() {
		Channel channel = this.channel;
		if (channel != null) {
			channel.close();
		}
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.channel = ctx.channel();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
			ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"join_room\",\"room\":\"" + this.room + "\"}"));
		}
		else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
			this.joined.completeExceptionally(new IllegalStateException("Handshake timed out"));
		}
		super.userEventTriggered(ctx, event);
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame text && wanted(text.content())) {
			read(ctx, text.text());
		}
		else if (frame instanceof CloseWebSocketFrame close) {
			this.traffic.problem(
					"User " + this.index + " closed by the server: " + close.statusCode() + " " + close.reasonText());
			ctx.close();
		}
	}

	/**
	 * Presence news (one frame per user who comes or goes) is most of the frames while
	 * users connect: not decoded.
	 */
	private static boolean wanted(ByteBuf content) {
		return !(startsWith(content, USER_NEWS) || startsWith(content, PRESENCE_LIST));
	}

	private static boolean startsWith(ByteBuf content, byte[] prefix) {
		if (content.readableBytes() < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (content.getByte(content.readerIndex() + i) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private void read(ChannelHandlerContext ctx, String message) {
		// A room's chat messages carry their position after their own fields.
		if (message.startsWith("{\"type\":\"chat\"")) {
			chat(message);
		}
		else if (message.startsWith("{\"type\":\"ping\"")) {
			ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"pong\"}"));
		}
		else if (message.startsWith("{\"type\":\"room_joined\"")) {
			this.joined.complete(null);
		}
		else if (message.startsWith("{\"type\":\"error\"") || !message.startsWith("{\"type\":")) {
			this.traffic.problem("User " + this.index + " got " + message);
		}
	}

	private void chat(String message) {
		long now = System.nanoTime();
		int start = message.indexOf(TEXT);
		int end = (start < 0) ? -1 : message.indexOf('"', start + TEXT.length());
		String[] fields = (end < 0) ? new String[0] : message.substring(start + TEXT.length(), end).split(" ");
		if (fields.length != 4) {
			this.traffic.problem("User " + this.index + " could not read " + message);
			return;
		}
		int sender = Integer.parseInt(fields[0]) - this.roomBase;
		int phase = Integer.parseInt(fields[1]);
		int seq = Integer.parseInt(fields[2]);
		if (sender < 0 || sender >= this.lastSequence.length) {
			this.traffic.problem("User " + this.index + " got a message of another room: " + message);
			return;
		}
		this.traffic.delivered(now - Long.parseLong(fields[3]));
		this.receivedByPhase[phase][sender]++;
		if (seq <= this.lastSequence[sender]) {
			this.disorderByPhase[phase]++; // twice, or out of the sender's order
		}
		else {
			this.lastSequence[sender] = seq;
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.joined.completeExceptionally(new IllegalStateException("User " + this.index + " closed before joining"));
		super.channelInactive(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.traffic.problem("User " + this.index + ": " + cause);
		this.joined.completeExceptionally(cause);
		ctx.close();
	}

}
