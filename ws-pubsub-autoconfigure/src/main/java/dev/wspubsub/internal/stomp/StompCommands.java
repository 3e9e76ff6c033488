package dev.wspubsub.internal.stomp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.Publication;
import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.transport.WsConnection;
import org.jspecify.annotations.Nullable;

/**
 * What each client frame does, on the connection's event loop. Broker destinations are
 * topics: SUBSCRIBE subscribes the connection to the topic of the same name (a user
 * destination to the user's own topic), SEND publishes to it. Application destinations go
 * to {@link ApplicationDestinations}.
 */
final class StompCommands {

	/** Frames one transaction may hold before COMMIT. */
	static final int MAX_TRANSACTION_FRAMES = 1000;

	/**
	 * A client silent for this many of its heart-beat intervals is gone (Spring's
	 * factor).
	 */
	private static final int MISSED_HEARTBEATS = 3;

	private final StompSettings settings;

	private final StompWriter writer;

	private final @Nullable ApplicationDestinations application;

	private final StompConnect connect;

	StompCommands(StompSettings settings, StompWriter writer, @Nullable ApplicationDestinations application,
			String serverName) {
		this.settings = settings;
		this.writer = writer;
		this.application = application;
		this.connect = new StompConnect(settings, writer, serverName);
	}

	void handle(StompSession session, StompFrame frame) {
		StompCommand command = frame.command();
		if (!session.isConnected() && command != StompCommand.CONNECT && command != StompCommand.STOMP) {
			throw new StompProtocolException("expected CONNECT or STOMP, got " + command);
		}
		boolean receiptLater = false;
		switch (command) {
			case CONNECT, STOMP -> this.connect.connect(session, frame);
			case SEND -> send(session, frame);
			case SUBSCRIBE -> receiptLater = subscribe(session, frame);
			case UNSUBSCRIBE -> unsubscribe(session, frame);
			case ACK, NACK -> acknowledge(session, frame);
			case BEGIN -> begin(session, frame);
			case COMMIT -> commit(session, frame);
			case ABORT -> abort(session, frame);
			case DISCONNECT -> {
				receipt(session, frame.header("receipt"), Map.of());
				session.connection().close(CloseCodes.NORMAL, "DISCONNECT");
				return;
			}
			default -> throw new StompProtocolException(command + " is not a client frame");
		}
		if (!receiptLater && command != StompCommand.CONNECT && command != StompCommand.STOMP) {
			receipt(session, frame.header("receipt"), Map.of());
		}
	}

	private void receipt(StompSession session, @Nullable String receipt, Map<String, String> extra) {
		if (receipt != null) {
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("receipt-id", receipt);
			headers.putAll(extra);
			this.writer.write(session, StompFrame.of(StompCommand.RECEIPT, headers));
		}
	}

	// ---- SEND and transactions

	private void send(StompSession session, StompFrame frame) {
		String destination = required(frame, "destination");
		String transaction = frame.header("transaction");
		if (transaction != null) {
			List<StompFrame> held = session.transaction(transaction);
			if (held == null) {
				throw new StompProtocolException("no transaction '" + StompDecoder.shorten(transaction) + "'");
			}
			if (held.size() >= MAX_TRANSACTION_FRAMES) {
				throw new StompProtocolException(
						"transaction '" + transaction + "' holds more than " + MAX_TRANSACTION_FRAMES + " frames");
			}
			checkDestination(destination);
			held.add(frame);
			return;
		}
		deliverSend(session, frame, destination);
	}

	private void deliverSend(StompSession session, StompFrame frame, String destination) {
		if (this.settings.isBrokerDestination(destination) || this.settings.isUserDestination(destination)) {
			Object payload = isText(frame) ? frame.bodyText() : frame.body();
			session.connection().publish(destination, payload);
		}
		else if (this.settings.isApplicationDestination(destination) && this.application != null) {
			this.application.send(session, frame, destination);
		}
		else {
			checkDestination(destination);
		}
	}

	/** A body is text unless its content type says otherwise or it is not UTF-8. */
	private static boolean isText(StompFrame frame) {
		String contentType = frame.header("content-type");
		if (contentType != null && contentType.startsWith("application/octet-stream")) {
			return false;
		}
		return StompWriter.isUtf8(frame.body());
	}

	private void checkDestination(String destination) {
		if (this.settings.isBrokerDestination(destination) || this.settings.isUserDestination(destination)
				|| (this.settings.isApplicationDestination(destination) && this.application != null)) {
			return;
		}
		throw new StompProtocolException("destination '" + StompDecoder.shorten(destination)
				+ "' is under none of the broker prefixes " + this.settings.brokerDestinationPrefixes()
				+ ", the user prefix " + this.settings.userDestinationPrefix() + ((this.application != null)
						? " or the application prefixes " + this.settings.applicationDestinationPrefixes() : ""));
	}

	private void begin(StompSession session, StompFrame frame) {
		String transaction = required(frame, "transaction");
		if (!session.begin(transaction)) {
			throw new StompProtocolException("transaction '" + StompDecoder.shorten(transaction) + "' already begun");
		}
	}

	private void commit(StompSession session, StompFrame frame) {
		List<StompFrame> held = ended(session, frame);
		for (StompFrame send : held) {
			deliverSend(session, send, required(send, "destination"));
		}
	}

	private void abort(StompSession session, StompFrame frame) {
		ended(session, frame);
	}

	private static List<StompFrame> ended(StompSession session, StompFrame frame) {
		String transaction = required(frame, "transaction");
		List<StompFrame> held = session.end(transaction);
		if (held == null) {
			throw new StompProtocolException("no transaction '" + StompDecoder.shorten(transaction) + "'");
		}
		return held;
	}

	// ---- SUBSCRIBE, UNSUBSCRIBE, ACK

	/**
	 * @return whether the receipt is sent later, once a resume knows what it recovered
	 */
	private boolean subscribe(StompSession session, StompFrame frame) {
		String destination = required(frame, "destination");
		String id = frame.header("id");
		if (id == null) {
			if (session.version() != StompVersion.V1_0) {
				throw new StompProtocolException("SUBSCRIBE frame has no id header");
			}
			id = destination; // STOMP 1.0 made the id optional
		}
		if (session.subscription(id) != null) {
			throw new StompProtocolException("subscription id '" + StompDecoder.shorten(id) + "' is already in use");
		}
		if (session.subscriptionCount() >= this.settings.maxSubscriptions()) {
			throw new StompProtocolException(
					"more than " + this.settings.maxSubscriptions() + " subscriptions on one connection");
		}
		String ack = (frame.header("ack") != null) ? frame.header("ack") : "auto";
		if (!ack.equals("auto") && !ack.equals("client") && !ack.equals("client-individual")) {
			throw new StompProtocolException(
					"ack mode '" + StompDecoder.shorten(ack) + "' is not auto, client or client-individual");
		}
		String topic = topicOf(session, destination);
		if (topic == null) {
			checkDestination(destination);
			session.add(StompSession.Subscription.of(id, destination, null, ack, session.version()));
			if (this.application != null) {
				this.application.subscribe(session, frame, destination, id);
			}
			return false;
		}
		StompSession.Subscription subscription = StompSession.Subscription.of(id, destination, topic, ack,
				session.version());
		String since = frame.header(StompWriter.SINCE_HEADER);
		boolean first = session.add(subscription);
		if (!first) {
			if (since != null) {
				throw new StompProtocolException("cannot resume '" + StompDecoder.shorten(destination)
						+ "': this connection already subscribes to it");
			}
			return false;
		}
		WsConnection connection = session.connection();
		if (since == null) {
			if (!connection.subscribe(topic)) {
				session.remove(subscription);
			}
			return false;
		}
		StreamPosition position = position(since);
		String receipt = frame.header("receipt");
		boolean subscribed;
		try {
			subscribed = connection.subscribe(topic, position, 0, (recovery) -> {
				// Before any live message: the receipt says what was recovered, then the
				// missed publications follow in order.
				receipt(session, receipt, recoveryHeaders(recovery));
				for (Publication missed : recovery.publications()) {
					this.writer.deliver(session, topic, missed);
				}
			});
		}
		catch (IllegalArgumentException ex) {
			session.remove(subscription);
			throw new StompProtocolException("cannot resume '" + StompDecoder.shorten(destination)
					+ "': it keeps no history (see ws-pubsub.history.topics)");
		}
		if (!subscribed) {
			session.remove(subscription);
		}
		return subscribed;
	}

	private static StreamPosition position(String since) {
		try {
			return StreamPosition.parse(since);
		}
		catch (IllegalArgumentException ex) {
			throw new StompProtocolException(
					StompWriter.SINCE_HEADER + " '" + StompDecoder.shorten(since) + "' is not <epoch>:<offset>");
		}
	}

	private static Map<String, String> recoveryHeaders(Recovery recovery) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(StompWriter.RECOVERED_HEADER, Boolean.toString(recovery.recovered()));
		if (recovery.position() != null) {
			headers.put(StompWriter.POSITION_HEADER, recovery.position().toString());
		}
		return headers;
	}

	/**
	 * The topic a destination reads: itself under a broker prefix, the user's own under
	 * the user prefix ({@code /user/queue/a} of alice is {@code /user/alice/queue/a}),
	 * {@code null} otherwise.
	 */
	@Nullable String topicOf(StompSession session, String destination) {
		if (this.settings.isUserDestination(destination)) {
			String prefix = StompSettings.slashed(this.settings.userDestinationPrefix());
			return prefix + session.userSegment() + "/" + destination.substring(prefix.length());
		}
		return this.settings.isBrokerDestination(destination) ? destination : null;
	}

	private void unsubscribe(StompSession session, StompFrame frame) {
		String id = frame.header("id");
		if (id == null) {
			if (session.version() != StompVersion.V1_0 || frame.header("destination") == null) {
				throw new StompProtocolException("UNSUBSCRIBE frame has no id header");
			}
			id = frame.header("destination");
		}
		StompSession.Subscription subscription = session.subscription(id);
		if (subscription == null) {
			return; // already gone: unsubscribing is idempotent, as in Spring's broker
		}
		if (session.remove(subscription) && subscription.topic() != null) {
			session.connection().unsubscribe(subscription.topic());
		}
	}

	/**
	 * Accepted and checked; delivery is at most once, so there is nothing to redeliver.
	 */
	private static void acknowledge(StompSession session, StompFrame frame) {
		String idHeader = (session.version() == StompVersion.V1_2) ? "id" : "message-id";
		required(frame, idHeader);
	}

	private static String required(StompFrame frame, String header) {
		String value = frame.header(header);
		if (value == null) {
			throw new StompProtocolException(frame.command() + " frame has no " + header + " header");
		}
		return value;
	}

}
