package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.regex.Pattern;

import dev.wspubsub.Publication;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.OutboundMessage;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * Writes STOMP frames to connections, each frame one WebSocket message. A topic's message
 * becomes a MESSAGE frame per subscription: the headers are made per subscription and the
 * body is the published one, shared, not encoded again.
 */
final class StompWriter {

	/**
	 * The header a history topic's MESSAGE carries its position in, and a SUBSCRIBE
	 * resumes from.
	 */
	static final String POSITION_HEADER = "ws-pubsub-position";

	/** The SUBSCRIBE header naming the position to resume after. */
	static final String SINCE_HEADER = "ws-pubsub-since";

	/** The RECEIPT header of a resuming SUBSCRIBE: whether nothing was missed. */
	static final String RECOVERED_HEADER = "ws-pubsub-recovered";

	private static final byte[] HEARTBEAT = { '\n' };

	private static final String JSON = "application/json";

	private static final String TEXT_PLAIN = "text/plain;charset=UTF-8";

	/** Longest body checked for being a lone JSON number or literal. */
	private static final int MAX_SCALAR = 32;

	private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

	private final ByteBufAllocator allocator;

	StompWriter(ByteBufAllocator allocator) {
		this.allocator = allocator;
	}

	/** Writes {@code frame}; from any thread. */
	int write(StompSession session, StompFrame frame) {
		byte[] bytes = StompEncoder.encode(frame, session.version());
		boolean text = isUtf8(frame.body());
		OutboundMessage message = OutboundMessage.handedOver(this.allocator, bytes, text, false);
		try {
			return session.connection().write(message);
		}
		finally {
			message.release();
		}
	}

	void heartbeat(WsConnection connection) {
		OutboundMessage message = OutboundMessage.handedOver(this.allocator, HEARTBEAT, true, false);
		connection.write(message);
	}

	/**
	 * A publication of a topic's history, replayed to this session's subscriptions of it.
	 */
	void deliver(StompSession session, String topic, Publication publication) {
		OutboundMessage body = OutboundMessage.positioned(this.allocator, publication.payload(), publication.text(),
				false, publication.position());
		try {
			deliver(session, topic, body);
		}
		finally {
			body.release();
		}
	}

	/**
	 * A topic's message to each of its subscriptions on this session; event loop only.
	 */
	void deliver(StompSession session, String topic, OutboundMessage body) {
		deliver(session, topic, body, (frame) -> session.connection().write(frame));
	}

	/**
	 * As {@link #deliver(StompSession, String, OutboundMessage)}, writing through
	 * {@code write}.
	 */
	void deliver(StompSession session, String topic, OutboundMessage body, Consumer<OutboundMessage> write) {
		StompSession.Subscription[] subscriptions = session.subscriptionsOf(topic);
		if (subscriptions == null) {
			return;
		}
		String contentType = contentType(body);
		StreamPosition position = body.position();
		StompVersion version = session.version();
		for (StompSession.Subscription subscription : subscriptions) {
			// Only these headers are made per message; the body is the published one.
			String messageId = session.nextMessageId();
			StringBuilder tail = new StringBuilder(96);
			tail.append("message-id:").append(messageId).append("\ncontent-type:").append(contentType).append('\n');
			if (subscription.acknowledged() && version == StompVersion.V1_2) {
				tail.append("ack:").append(messageId).append('\n');
			}
			if (position != null) {
				tail.append(StompEncoder.headerLine(POSITION_HEADER, position.toString(), version));
			}
			if (body.payloadLength() > 0) {
				tail.append("content-length:").append(body.payloadLength()).append('\n');
			}
			tail.append('\n');
			byte[] head = StompEncoder.concat(subscription.head(), tail.toString().getBytes(StandardCharsets.UTF_8));
			OutboundMessage frame = OutboundMessage.wrapped(this.allocator, head, body, StompEncoder.NUL);
			try {
				write.accept(frame);
			}
			finally {
				frame.release();
			}
		}
	}

	/**
	 * A MESSAGE to one subscription (a {@code @SubscribeMapping} answer); from any
	 * thread.
	 */
	void message(StompSession session, String subscriptionId, String destination, @Nullable String contentType,
			byte[] body) {
		StompSession.Subscription subscription = StompSession.Subscription.of(subscriptionId, destination, null, "auto",
				session.version());
		Map<String, String> headers = messageHeaders(session, subscription, destination,
				(contentType != null) ? contentType : guessContentType(body));
		write(session, new StompFrame(StompCommand.MESSAGE, headers, body));
	}

	private static Map<String, String> messageHeaders(StompSession session, StompSession.Subscription subscription,
			String destination, String contentType) {
		Map<String, String> headers = new LinkedHashMap<>(8);
		String messageId = session.nextMessageId();
		headers.put("subscription", subscription.id());
		headers.put("message-id", messageId);
		headers.put("destination", destination);
		headers.put("content-type", contentType);
		if (subscription.acknowledged() && session.version() == StompVersion.V1_2) {
			headers.put("ack", messageId);
		}
		return headers;
	}

	/**
	 * Topics carry bytes, not a content type: text that is a JSON object, array or
	 * string, or a lone JSON number or literal, is {@code application/json}; other text
	 * {@code text/plain}; binary {@code application/octet-stream}.
	 */
	static String contentType(OutboundMessage body) {
		return contentType(body.isText(), body.payloadLength(), body::payloadByte);
	}

	private static String contentType(boolean text, int length, IntUnaryOperator byteAt) {
		if (!text) {
			return "application/octet-stream";
		}
		int first = 0;
		while (first < length && isWhitespace(byteAt.applyAsInt(first))) {
			first++;
		}
		if (first == length) {
			return TEXT_PLAIN;
		}
		int b = byteAt.applyAsInt(first);
		if (b == '{' || b == '[' || b == '"') {
			return JSON;
		}
		// A short scalar (what a serializer makes of a number or a boolean) is JSON only
		// when it is one whole: "42" is, "42 apples" is not.
		if (length - first <= MAX_SCALAR && isJsonScalar(length, first, byteAt)) {
			return JSON;
		}
		return TEXT_PLAIN;
	}

	private static boolean isJsonScalar(int length, int first, IntUnaryOperator byteAt) {
		StringBuilder text = new StringBuilder(length - first);
		for (int i = first; i < length; i++) {
			text.append((char) byteAt.applyAsInt(i));
		}
		String scalar = text.toString().strip();
		return scalar.equals("true") || scalar.equals("false") || scalar.equals("null")
				|| JSON_NUMBER.matcher(scalar).matches();
	}

	private static boolean isWhitespace(int b) {
		return b == ' ' || b == '\n' || b == '\r' || b == '\t';
	}

	private static String guessContentType(byte[] body) {
		return contentType(isUtf8(body), body.length, (i) -> body[i]);
	}

	static boolean isUtf8(byte[] bytes) {
		return ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes), StandardCharsets.UTF_8);
	}

}
