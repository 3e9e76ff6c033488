package dev.wspubsub.internal.endpoint;

import java.util.HashMap;
import java.util.Map;

import dev.wspubsub.InvalidMessageException;
import dev.wspubsub.spi.PayloadValidator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * Routes an endpoint's text messages: a JSON object to the handler of its {@code type},
 * with its payload bound and validated; anything else to the raw text handler when there
 * is one. What cannot be routed comes back as the error the client is told.
 */
final class MessageRouter {

	private final EndpointDefinition endpoint;

	private final ObjectMapper objectMapper;

	private final @Nullable PayloadValidator validator;

	private final Map<HandlerMethod, ObjectReader> readers = new HashMap<>();

	MessageRouter(EndpointDefinition endpoint, ObjectMapper objectMapper, @Nullable PayloadValidator validator) {
		this.endpoint = endpoint;
		this.objectMapper = objectMapper;
		this.validator = validator;
		endpoint.typedMessages().values().forEach((handler) -> {
			Class<?> payloadType = handler.payloadType();
			if (payloadType != null && payloadType != JsonNode.class && payloadType != String.class) {
				// The "type" field itself is rarely a property of the bound record.
				this.readers.put(handler,
						objectMapper.readerFor(payloadType).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
			}
		});
	}

	/**
	 * The raw text handler when every text message goes to it (the endpoint dispatches no
	 * JSON), else {@code null}: then the caller hands the text over as it is, with no
	 * {@link Route} per message.
	 */
	@Nullable HandlerMethod rawTextOnly() {
		return this.endpoint.dispatchesJson() ? null : this.endpoint.rawText();
	}

	Route route(String text) {
		HandlerMethod rawText = this.endpoint.rawText();
		if (!this.endpoint.dispatchesJson()) {
			return (rawText != null) ? new Route(rawText, text, null, null)
					: Route.rejected(new InvalidMessageException("Text messages are not accepted"), null);
		}
		JsonNode node;
		try {
			node = this.objectMapper.readTree(text);
		}
		catch (JacksonException ex) {
			return rawOr(text, new InvalidMessageException("Invalid JSON", ex), null);
		}
		boolean object = node != null && node.isObject();
		JsonNode typeNode = object ? node.get("type") : null;
		String type = (typeNode != null && typeNode.isString()) ? typeNode.stringValue() : null;
		JsonNode id = object ? requestId(node) : null;
		HandlerMethod handler = (type != null) ? this.endpoint.typedMessages().get(type) : null;
		if (handler == null) {
			return rawOr(text,
					new InvalidMessageException("Unknown message type: " + ((type != null) ? type : "(none)")), id);
		}
		Object payload;
		try {
			payload = bind(handler, node);
		}
		catch (JacksonException ex) {
			return Route.rejected(new InvalidMessageException("Invalid message: " + describe(ex), ex), id);
		}
		if (payload != null && handler.validated() && this.validator != null) {
			String violations = this.validator.validate(payload);
			if (violations != null) {
				return Route.rejected(new InvalidMessageException(violations), id);
			}
		}
		return new Route(handler, payload, id, null);
	}

	private Route rawOr(String text, InvalidMessageException error, @Nullable JsonNode id) {
		HandlerMethod rawText = this.endpoint.rawText();
		return (rawText != null) ? new Route(rawText, text, null, null) : Route.rejected(error, id);
	}

	/**
	 * The {@code id} a request carries for its replies to echo: a string or a number,
	 * else none.
	 */
	private static @Nullable JsonNode requestId(JsonNode message) {
		JsonNode id = message.get("id");
		return (id != null && (id.isString() || id.isNumber())) ? id : null;
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

	/**
	 * Where a message goes: a handler with its bound payload, or, when {@code error} is
	 * set, nowhere, with the reason.
	 *
	 * @param id the request id its replies carry, or {@code null}
	 */
	record Route(@Nullable HandlerMethod handler, @Nullable Object payload, @Nullable JsonNode id,
			@Nullable InvalidMessageException error) {

		static Route rejected(InvalidMessageException error, @Nullable JsonNode id) {
			return new Route(null, null, id, error);
		}

	}

}
