package dev.wspubsub.internal.endpoint;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reply to a request carries its id when the reply is a JSON object; everything else
 * goes as the handler returned it.
 */
class RequestRepliesTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final RequestReplies replies = new RequestReplies(this.mapper);

	@Test
	void anObjectReplyToARequestCarriesItsId() {
		Object answer = this.replies.answer(new Pong("pong", 3), StringNode.valueOf("r1"));
		assertThat(answer).isInstanceOf(JsonNode.class);
		assertThat(answer).hasToString("{\"type\":\"pong\",\"count\":3,\"id\":\"r1\"}");
		assertThat(this.replies.answer(new Pong("pong", 3), IntNode.valueOf(9)))
			.hasToString("{\"type\":\"pong\",\"count\":3,\"id\":9}");
	}

	@Test
	void aReplyToAMessageWithoutAnIdIsTheValueItself() {
		Pong pong = new Pong("pong", 1);
		assertThat(this.replies.answer(pong, null)).isSameAs(pong);
	}

	@Test
	void textBytesAndArraysGoAsTheyAreEvenToARequest() {
		StringNode id = StringNode.valueOf("r1");
		byte[] bytes = { 1, 2 };
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		List<Integer> array = List.of(1, 2);
		assertThat(this.replies.answer("text", id)).isEqualTo("text");
		assertThat(this.replies.answer(bytes, id)).isSameAs(bytes);
		assertThat(this.replies.answer(buffer, id)).isSameAs(buffer);
		assertThat(this.replies.answer(array, id)).isSameAs(array);
	}

	record Pong(String type, int count) {
	}

}
