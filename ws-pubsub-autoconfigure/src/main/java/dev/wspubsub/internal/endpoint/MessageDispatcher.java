package dev.wspubsub.internal.endpoint;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

import dev.wspubsub.ErrorReply;
import dev.wspubsub.InvalidMessageException;
import dev.wspubsub.ServerBusyException;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.loop.LoopOutbox;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.WsConnection;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.PayloadValidator;
import dev.wspubsub.spi.WsMetricsListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls one endpoint's handler methods for the events of its connections: JSON messages
 * dispatched on their {@code type}, raw text and binary, open, close, ping, pong, drain.
 * Results go back to the sender; failures become error replies (or {@code @OnError}). A
 * JSON message with an {@code id} is a request: its replies that are JSON objects carry
 * the same {@code id}, so a client can tell which request they answer.
 */
final class MessageDispatcher implements ConnectionHandler {

	private static final Log logger = LogFactory.getLog(MessageDispatcher.class);

	private final EndpointDefinition endpoint;

	private final ObjectMapper objectMapper;

	private final Map<HandlerMethod, ObjectReader> readers = new HashMap<>();

	private final ErrorHandlerResolver errorHandlers;

	private final @Nullable PayloadValidator validator;

	private final Executor blockingExecutor;

	private final WsMetricsListener metrics;

	private final BusyWarnings busyWarnings;

	/**
	 * The message type each handler is observed under: its JSON type, or what it handles.
	 */
	private final Map<HandlerMethod, String> messageTypes;

	MessageDispatcher(EndpointDefinition endpoint, ObjectMapper objectMapper, @Nullable PayloadValidator validator,
			Executor blockingExecutor, WsMetricsListener metrics) {
		this.endpoint = endpoint;
		this.errorHandlers = new ErrorHandlerResolver(endpoint.onError());
		this.objectMapper = objectMapper;
		this.validator = validator;
		this.blockingExecutor = blockingExecutor;
		this.metrics = metrics;
		this.busyWarnings = new BusyWarnings(endpoint.describe());
		this.messageTypes = messageTypes(endpoint);
		endpoint.typedMessages().values().forEach((handler) -> {
			Class<?> payloadType = handler.payloadType();
			if (payloadType != null && payloadType != JsonNode.class) {
				// The "type" field itself is rarely a property of the bound record.
				this.readers.put(handler,
						objectMapper.readerFor(payloadType).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
			}
		});
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

	/**
	 * Tells the metrics listener a handler starts; ended by the caller on the same
	 * thread.
	 */
	private WsMetricsListener.HandlerCall observe(WsConnection connection, HandlerMethod handler) {
		return this.metrics.handlerStarted(connection, this.messageTypes.getOrDefault(handler, "unknown"));
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
		Sequencer.submit(connection, () -> handleText(connection, text), text.length());
	}

	private void handleText(WsConnection connection, String text) {
		HandlerMethod rawText = this.endpoint.rawText();
		if (!this.endpoint.dispatchesJson()) {
			if (rawText != null) {
				call(connection, rawText, CallContext.of(connection, text));
			}
			else {
				handleError(connection, new InvalidMessageException("Text messages are not accepted"));
			}
			return;
		}
		JsonNode node;
		try {
			node = this.objectMapper.readTree(text);
		}
		catch (JacksonException ex) {
			rawOrError(connection, text, new InvalidMessageException("Invalid JSON", ex), null);
			return;
		}
		boolean object = node != null && node.isObject();
		JsonNode typeNode = object ? node.get("type") : null;
		String type = (typeNode != null && typeNode.isString()) ? typeNode.stringValue() : null;
		JsonNode id = object ? requestId(node) : null;
		HandlerMethod handler = (type != null) ? this.endpoint.typedMessages().get(type) : null;
		if (handler == null) {
			rawOrError(connection, text,
					new InvalidMessageException("Unknown message type: " + ((type != null) ? type : "(none)")), id);
			return;
		}
		Object payload;
		try {
			payload = bind(handler, node);
		}
		catch (JacksonException ex) {
			handleError(connection, new InvalidMessageException("Invalid message: " + describe(ex), ex), null, id);
			return;
		}
		if (payload != null && handler.validated() && this.validator != null) {
			String violations = this.validator.validate(payload);
			if (violations != null) {
				handleError(connection, new InvalidMessageException(violations), null, id);
				return;
			}
		}
		call(connection, handler, CallContext.of(connection, payload), id);
	}

	/**
	 * The {@code id} a request carries for its replies to echo: a string or a number,
	 * else none.
	 */
	private static @Nullable JsonNode requestId(JsonNode message) {
		JsonNode id = message.get("id");
		return (id != null && (id.isString() || id.isNumber())) ? id : null;
	}

	/**
	 * What to send for a request's reply: a value written as a JSON object gets the
	 * request's {@code id}; anything else (text, bytes, arrays), or a reply to a message
	 * without an id, goes as it is, at no extra cost.
	 */
	private Object answer(Object value, @Nullable JsonNode id) {
		if (id == null || value instanceof String || value instanceof byte[] || value instanceof ByteBuffer) {
			return value;
		}
		JsonNode tree = this.objectMapper.valueToTree(value);
		if (tree instanceof ObjectNode reply) {
			reply.set("id", id);
			return reply;
		}
		return value;
	}

	private @Nullable Object bind(HandlerMethod handler, JsonNode node) {
		Class<?> payloadType = handler.payloadType();
		if (payloadType == null) {
			return null;
		}
		if (payloadType == JsonNode.class) {
			return node;
		}
		if (payloadType == String.class) {
			return node.toString();
		}
		return this.readers.get(handler).readValue(node);
	}

	private static String describe(JacksonException ex) {
		String path = ex.getPath()
			.stream()
			.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
					: String.valueOf(reference.getIndex()))
			.reduce((a, b) -> a + "." + b)
			.orElse("");
		String message = ex.getOriginalMessage();
		int detail = (message != null) ? message.indexOf('\n') : -1;
		String summary = (detail > 0) ? message.substring(0, detail) : String.valueOf(message);
		return path.isEmpty() ? summary : path + ": " + summary;
	}

	private void rawOrError(WsConnection connection, String text, InvalidMessageException error,
			@Nullable JsonNode id) {
		HandlerMethod rawText = this.endpoint.rawText();
		if (rawText != null) {
			call(connection, rawText, CallContext.of(connection, text));
		}
		else {
			handleError(connection, error, null, id);
		}
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
		if (handler.blocking()) {
			callBlocking(connection, handler, context, id);
			return;
		}
		Object result;
		WsMetricsListener.HandlerCall observed = observe(connection, handler);
		try {
			result = handler.invoke(context);
		}
		catch (Throwable ex) {
			observed.failed(ex);
			observed.end();
			handleError(connection, ex, handler, id);
			return;
		}
		observed.end();
		safeReply(connection, handler, result, id);
	}

	private void callBlocking(WsConnection connection, HandlerMethod handler, CallContext context,
			@Nullable JsonNode id) {
		Sequencer sequencer = Sequencer.of(connection);
		sequencer.begin();
		try {
			this.blockingExecutor.execute(() -> {
				Object result;
				WsMetricsListener.HandlerCall observed = observe(connection, handler);
				try {
					result = handler.invoke(context);
				}
				catch (Throwable ex) {
					observed.failed(ex);
					observed.end();
					LoopOutbox.send(connection.channel().eventLoop(), () -> {
						handleError(connection, ex, handler, id);
						sequencer.done();
					});
					return;
				}
				observed.end();
				LoopOutbox.send(connection.channel().eventLoop(), () -> {
					if (!safeReply(connection, handler, result, id)) {
						sequencer.done(); // a returned Publisher calls done() itself when
											// it completes
					}
				});
			});
		}
		catch (RuntimeException rejected) {
			// The bounded pool is full: tell this client, keep the others going.
			handleError(connection, new ServerBusyException(rejected), handler, id);
			sequencer.done();
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
		if (result == null) {
			return false;
		}
		if (result instanceof Publisher<?> publisher) {
			Sequencer sequencer = Sequencer.of(connection);
			sequencer.begin();
			sequencer.track(Flux.from(publisher).subscribe((value) -> {
				if (value != null) {
					connection.send(answer(value, id));
				}
			}, (error) -> {
				if (connection.channel().eventLoop().inEventLoop()) {
					handleError(connection, error, handler, id);
				}
				else {
					LoopOutbox.send(connection.channel().eventLoop(),
							() -> handleError(connection, error, handler, id));
				}
				sequencer.done();
			}, sequencer::done));
			return true;
		}
		connection.send(answer(result, id));
		return false;
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
			connection.send(answer(ErrorReply.of(String.valueOf(error.getMessage())), id));
			return;
		}
		if (error instanceof ServerBusyException) {
			// Overload, not a bug: one line now and then, not a stack trace per refused
			// message.
			this.busyWarnings.refused(connection);
			connection.send(answer(ErrorReply.of(ServerBusyException.MESSAGE), id));
			return;
		}
		logger.warn(((source != null) ? source.describe() : this.endpoint.describe()) + " failed for " + connection,
				error);
		connection.send(answer(ErrorReply.of(clientMessage(error)), id));
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
