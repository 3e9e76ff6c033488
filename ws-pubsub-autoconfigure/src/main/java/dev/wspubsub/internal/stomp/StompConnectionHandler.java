package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.wspubsub.CloseCodes;
import dev.wspubsub.ServerBusyException;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.TopicFraming;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.OutboundMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The STOMP side of a connection's events: decodes what the client sends into frames,
 * hands each to {@link StompCommands}, and wraps what topics deliver in MESSAGE frames. A
 * malformed frame gets an ERROR frame naming the problem, then the connection closes;
 * nothing of it reaches a topic or a handler.
 */
final class StompConnectionHandler implements ConnectionHandler, TopicFraming {

	private static final Log logger = LogFactory.getLog(StompConnectionHandler.class);

	private final StompCommands commands;

	private final StompWriter writer;

	private final StompSessions sessions;

	private final StompSettings settings;

	StompConnectionHandler(StompCommands commands, StompWriter writer, StompSessions sessions, StompSettings settings) {
		this.commands = commands;
		this.writer = writer;
		this.sessions = sessions;
		this.settings = settings;
	}

	@Override
	public void onOpen(WsConnection connection) {
		StompSession session = new StompSession(connection, connection.settings().maxPayloadLength(),
				this.settings.messagesPerSecond(), this.settings.burst());
		connection.handlerState(session);
		connection.frameTopicsWith(this);
		this.sessions.add(session);
	}

	@Override
	public void onText(WsConnection connection, String text) {
		onBytes(connection, text.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void onBinary(WsConnection connection, byte[] data) {
		onBytes(connection, data);
	}

	private void onBytes(WsConnection connection, byte[] data) {
		if (!(connection.handlerState() instanceof StompSession session)) {
			return;
		}
		session.touch(System.nanoTime());
		List<StompFrame> frames = session.decoder().decode(data);
		for (StompFrame frame : frames) {
			if (connection.readyState() != WsConnection.OPEN) {
				return;
			}
			if (!session.admit(System.nanoTime())) {
				fail(session, "rate limit exceeded", frame.header("receipt"), CloseCodes.POLICY_VIOLATION);
				return;
			}
			try {
				this.commands.handle(session, frame);
			}
			catch (StompProtocolException ex) {
				fail(session, ex.getMessage(), frame.header("receipt"), CloseCodes.PROTOCOL_ERROR);
				return;
			}
			catch (ServerBusyException ex) {
				// STOMP 1.2: a frame the server could not process gets an ERROR, then the
				// close; the code tells the client to come back later.
				fail(session, "server busy, " + frame.command() + " not handled; retry later", frame.header("receipt"),
						CloseCodes.TRY_AGAIN_LATER);
				return;
			}
			catch (RuntimeException ex) {
				logger.warn(session + ": handling " + frame.command() + " failed", ex);
				fail(session, "server error handling " + frame.command(), frame.header("receipt"),
						CloseCodes.INTERNAL_ERROR);
				return;
			}
		}
		StompProtocolException malformed = session.decoder().failure();
		if (malformed != null && connection.readyState() == WsConnection.OPEN) {
			fail(session, malformed.getMessage(), null, CloseCodes.PROTOCOL_ERROR);
		}
	}

	/**
	 * An ERROR frame naming {@code problem}, then the close (STOMP 1.2: ERROR ends the
	 * connection).
	 */
	void fail(StompSession session, @Nullable String problem, @Nullable String receipt, int closeCode) {
		String message = (problem != null) ? problem : "malformed frame";
		if (logger.isDebugEnabled()) {
			logger.debug(session + ": ERROR " + message);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("message", message);
		if (receipt != null) {
			headers.put("receipt-id", receipt);
		}
		headers.put("content-type", "text/plain;charset=UTF-8");
		this.writer.write(session,
				new StompFrame(StompCommand.ERROR, headers, message.getBytes(StandardCharsets.UTF_8)));
		session.connection().close(closeCode, message);
	}

	@Override
	public void deliver(WsConnection connection, String topic, OutboundMessage message,
			Consumer<OutboundMessage> write) {
		if (connection.handlerState() instanceof StompSession session) {
			this.writer.deliver(session, topic, message, write);
		}
	}

	@Override
	public void onTopicDenied(WsConnection connection, String topic) {
		if (connection.handlerState() instanceof StompSession session) {
			fail(session, "not allowed on destination '" + topic + "'", null, CloseCodes.POLICY_VIOLATION);
		}
	}

	@Override
	public void onPing(WsConnection connection, byte[] data) {
		if (connection.handlerState() instanceof StompSession session) {
			session.touch(System.nanoTime());
		}
	}

	@Override
	public void onPong(WsConnection connection, byte[] data) {
		onPing(connection, data);
	}

	@Override
	public void onDrain(WsConnection connection) {
	}

	@Override
	public void onClose(WsConnection connection, int code, String reason) {
		if (connection.handlerState() instanceof StompSession session) {
			session.stopHeartbeats();
			this.sessions.remove(session);
		}
	}

}
