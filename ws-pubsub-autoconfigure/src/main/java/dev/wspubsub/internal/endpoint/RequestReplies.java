package dev.wspubsub.internal.endpoint;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shapes a reply to a request: a value written as a JSON object gets the request's
 * {@code id}, so the client can tell which request it answers; anything else (text,
 * bytes, arrays), or a reply to a message without an id, goes as it is, at no extra cost.
 */
final class RequestReplies {

	private final ObjectMapper objectMapper;

	RequestReplies(ObjectMapper objectMapper) {
		this.objectMapper = objectMapper;
	}

	Object answer(Object value, @Nullable JsonNode id) {
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

}
