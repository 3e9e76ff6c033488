package dev.wspubsub.internal.endpoint;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.wspubsub.ErrorReply;
import dev.wspubsub.InvalidMessageException;
import dev.wspubsub.ServerBusyException;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.dispatch.BusyWarnings;
import dev.wspubsub.internal.dispatch.HandlerInvoker;
import dev.wspubsub.internal.dispatch.ReplySender;
import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.PayloadValidator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Calls one endpoint's handler methods for the events of its connections: JSON messages
 * dispatched on their {@code type}, raw text and binary, open, close, ping, pong, drain.
 * Results go back to the sender; failures become error replies (or {@code @OnError}). A
 * JSON message with an {@code id} is a request: its replies that are JSON objects carry
 * the same {@code id}, so a client can tell which request they answer. The parts are its
 * own: {@link MessageRouter} finds the handler, {@link HandlerInvoker} runs it,
 * {@link ReplySender} and {@link RequestReplies} send its result, and
 * {@link ErrorHandlerResolver} finds the {@code @OnError} method for a failure.
 */
final class MessageDispatcher implements ConnectionHandler {

	private static final Log logger = LogFactory.getLog(MessageDispatcher.class);

	private final EndpointDefinition endpoint;

	private final MessageRouter router;

	private final HandlerInvoker invoker;

	private final RequestReplies replies;

	private final ErrorHandlerResolver errorHandlers;

	private final BusyWarnings busyWarnings;

	/**
	 * The message type each handler is observed under: its JSON type, or what it handles.
	 */
	private final Map<HandlerMethod, String> messageTypes;

	MessageDispatcher(EndpointDefinition endpoint, ObjectMapper objectMapper, @Nullable PayloadValidator validator,
			HandlerInvoker invoker) {
		this.endpoint = endpoint;
		this.router = new MessageRouter(endpoint, objectMapper, validator);
		this.invoker = invoker;
		this.replies = new RequestReplies(objectMapper);
		this.errorHandlers = new ErrorHandlerResolver(endpoint.onError());
		this.busyWarnings = new BusyWarnings(endpoint.describe());
		this.messageTypes = messageTypes(endpoint);
	}

	private static Map<HandlerMethod, String> messageTypes(EndpointDefinition endpoint) {
		Map<HandlerMethod, String> types = new HashMap<>();
		endpoint.typedMessages().forEach((type, handler) -> types.put(handler, type));
		if (endpoint.rawText() != null) {
			types.put(endpoint.rawText(), "text");
		}
		if (endpoint.rawBinary() != null) {
			types.put(endpoint.rawBinary(), "binary");
		}
		for (HandlerMethod handler : new HandlerMethod[] { endpoint.onOpen(), endpoint.onClose(), endpoint.onDrain(),
				endpoint.onPing(), endpoint.onPong() }) {
			if (handler != null) {
				types.put(handler, handler.kind().name().toLowerCase(Locale.ROOT));
			}
		}
		return types;
	}

	@Override
	public void onOpen(WsConnection connection) {
		HandlerMethod onOpen = this.endpoint.onOpen();
		if (onOpen != null) {
			Sequencer.submit(connection, () -> call(connection, onOpen, CallContext.of(connection)));
		}
	}

	@Override
	public void onText(WsConnection connection, String text) {
		if (Sequencer.runsNow(connection)) {
			handleText(connection, text); // no task object for the usual case
		}
		else {
			Sequencer.submit(connection, () -> handleText(connection, text), text.length());
		}
	}

	private void handleText(WsConnection connection, String text) {
		HandlerMethod rawTextOnly = this.router.rawTextOnly();
		if (rawTextOnly != null) {
			call(connection, rawTextOnly, CallContext.of(connection, text));
			return;
		}
		MessageRouter.Route route = this.router.route(text);
		HandlerMethod handler = route.handler();
		if (handler == null) {
			handleError(connection, route.error(), null, route.id());
			return;
		}
		call(connection, handler, CallContext.of(connection, route.payload()), route.id());
	}

	@Override
	public void onBinary(WsConnection connection, byte[] data) {
		Sequencer.submit(connection, () -> {
			HandlerMethod rawBinary = this.endpoint.rawBinary();
			if (rawBinary == null) {
				handleError(connection, new InvalidMessageException("Binary messages are not accepted"));
				return;
			}
			Object payload = (rawBinary.payloadType() == ByteBuffer.class) ? ByteBuffer.wrap(data).asReadOnlyBuffer()
					: data;
			call(connection, rawBinary, CallContext.of(connection, payload));
		}, data.length);
	}

	@Override
	public void onPing(WsConnection connection, byte[] data) {
		HandlerMethod onPing = this.endpoint.onPing();
		if (onPing != null) {
			Sequencer.submit(connection, () -> call(connection, onPing, CallContext.of(connection, data)));
		}
	}

	@Override
	public void onPong(WsConnection connection, byte[] data) {
		HandlerMethod onPong = this.endpoint.onPong();
		if (onPong != null) {
			Sequencer.submit(connection, () -> call(connection, onPong, CallContext.of(connection, data)));
		}
	}

	@Override
	public void onDrain(WsConnection connection) {
		HandlerMethod onDrain = this.endpoint.onDrain();
		if (onDrain != null) {
			call(connection, onDrain, CallContext.of(connection));
		}
	}

	/**
	 * The endpoint's {@code @OnTopicReset} answer, called at once (not behind the
	 * connection's handler calls) so the notice keeps its place among the topic's
	 * deliveries; the default when it has none or it throws.
	 */
	@Override
	public @Nullable Object topicResetNotice(WsConnection connection, String topic, StreamPosition current,
			OutboundMessage defaultNotice) {
		HandlerMethod onTopicReset = this.endpoint.onTopicReset();
		if (onTopicReset == null) {
			return defaultNotice;
		}
		try {
			return onTopicReset.invoke(CallContext.topicReset(connection, topic, current));
		}
		catch (Throwable ex) {
			logger.warn(onTopicReset.describe() + " failed for topic '" + topic + "'; the default reset notice is sent",
					ex);
			return defaultNotice;
		}
	}

	@Override
	public void onTopicDenied(WsConnection connection, String topic) {
		connection.send(ErrorReply.forbidden(topic));
	}

	@Override
	public void onClose(WsConnection connection, int code, String reason) {
		Sequencer.cancel(connection);
		HandlerMethod onClose = this.endpoint.onClose();
		if (onClose != null) {
			// Behind the messages that arrived before the close.
			Sequencer.submit(connection, () -> call(connection, onClose, CallContext.closed(connection, code, reason)));
		}
	}

	private void call(WsConnection connection, HandlerMethod handler, CallContext context) {
		call(connection, handler, context, null);
	}

	private void call(WsConnection connection, HandlerMethod handler, CallContext context, @Nullable JsonNode id) {
		String type = this.messageTypes.getOrDefault(handler, "unknown");
		if (!handler.blocking()) {
			// Here on the loop, the outcome is handled here: no Replying per message.
			Object result;
			try {
				result = this.invoker.call(connection, type, context.calling(handler));
			}
			catch (Throwable ex) {
				handleError(connection, ex, handler, id);
				return;
			}
			finally {
				context.giveBack(); // the arguments are resolved, the call is over
			}
			if (result != null) {
				safeReply(connection, handler, result, id);
			}
			return;
		}
		CallContext kept = context.keep(); // read on the pool, after this returns
		Sequencer sequencer = Sequencer.of(connection);
		sequencer.begin();
		this.invoker.invokeBlocking(connection, type, () -> handler.invoke(kept),
				new Replying(connection, handler, id, sequencer));
	}

	/**
	 * A call's result sent back, its failure handled; when the call ran off the loop, the
	 * connection's later messages wait for the reply to be sent.
	 */
	private final class Replying implements HandlerInvoker.Outcome {

		private final WsConnection connection;

		private final HandlerMethod handler;

		private final @Nullable JsonNode id;

		/** Holding the connection's later messages until this reply is sent, if set. */
		private final @Nullable Sequencer held;

		Replying(WsConnection connection, HandlerMethod handler, @Nullable JsonNode id, @Nullable Sequencer held) {
			this.connection = connection;
			this.handler = handler;
			this.id = id;
			this.held = held;
		}

		@Override
		public void returned(@Nullable Object result) {
			boolean streaming = safeReply(this.connection, this.handler, result, this.id);
			if (!streaming && this.held != null) {
				this.held.done(); // a stream ends the wait itself when it completes
			}
		}

		@Override
		public void failed(Throwable error) {
			handleError(this.connection, error, this.handler, this.id);
			if (this.held != null) {
				this.held.done();
			}
		}

	}

	/**
	 * {@link #reply}, with a result that cannot be sent (not serialisable) answered as an
	 * error.
	 */
	private boolean safeReply(WsConnection connection, HandlerMethod handler, @Nullable Object result,
			@Nullable JsonNode id) {
		try {
			return reply(connection, handler, result, id);
		}
		catch (RuntimeException ex) {
			handleError(connection, ex, handler, id);
			return false;
		}
	}

	/**
	 * Sends a handler's result to the sender; a {@code Publisher} holds later messages
	 * until it completes.
	 * @return whether the result is a stream still running, which ends the wait itself
	 */
	private boolean reply(WsConnection connection, HandlerMethod handler, @Nullable Object result,
			@Nullable JsonNode id) {
		Disposable stream = ReplySender.send(result, (value) -> connection.send(this.replies.answer(value, id)),
				new ReplySender.Stream() {

					@Override
					public void started() {
						Sequencer.of(connection).begin();
					}

					@Override
					public void failed(Throwable error) {
						if (connection.channel().eventLoop().inEventLoop()) {
							handleError(connection, error, handler, id);
						}
						else {
							LoopOutbox.send(connection.channel().eventLoop(),
									() -> handleError(connection, error, handler, id));
						}
						Sequencer.of(connection).done();
					}

					@Override
					public void completed() {
						Sequencer.of(connection).done();
					}

				});
		if (stream == null) {
			return false;
		}
		Sequencer.of(connection).track(stream);
		return true;
	}

	private void handleError(WsConnection connection, Throwable error) {
		handleError(connection, error, null, null);
	}

	private void handleError(WsConnection connection, Throwable error, @Nullable HandlerMethod source,
			@Nullable JsonNode id) {
		HandlerMethod onError = this.errorHandlers.resolve(error);
		if (onError != null && onError != source) {
			try {
				reply(connection, onError, onError.invoke(CallContext.failed(connection, error)), id);
				return;
			}
			catch (Throwable ex) {
				logger.warn(onError + " failed while handling " + error, ex);
			}
		}
		if (error instanceof InvalidMessageException) {
			if (logger.isDebugEnabled()) {
				logger.debug(connection + ": " + error.getMessage());
			}
			connection.send(this.replies.answer(ErrorReply.of(String.valueOf(error.getMessage())), id));
			return;
		}
		if (error instanceof ServerBusyException) {
			// Overload, not a bug: one line now and then, not a stack trace per refused
			// message.
			this.busyWarnings.refused(connection);
			connection.send(this.replies.answer(ErrorReply.of(ServerBusyException.MESSAGE), id));
			return;
		}
		logger.warn(((source != null) ? source.describe() : this.endpoint.describe()) + " failed for " + connection,
				error);
		connection.send(this.replies.answer(ErrorReply.of(clientMessage(error)), id));
	}

	/**
	 * What a client is told of a handler failure: the message of argument errors, nothing
	 * internal otherwise.
	 */
	private static String clientMessage(Throwable error) {
		if (error instanceof IllegalArgumentException && error.getMessage() != null) {
			return error.getMessage();
		}
		return "Internal server error";
	}

}
