package dev.wspubsub.internal.endpoint;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import jakarta.validation.Valid;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text message routed: to the handler of its JSON {@code type} with its payload bound
 * and validated, to the raw text handler when it is not for a typed one, or back with the
 * reason the client is told, keeping the request id its error reply echoes.
 */
class MessageRouterTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final EndpointDefinition typed = new EndpointScanner().scan("typed", new Typed());

	private final EndpointDefinition typedWithRaw = new EndpointScanner().scan("typedWithRaw", new TypedWithRaw());

	private final EndpointDefinition rawOnly = new EndpointScanner().scan("rawOnly", new RawOnly());

	/** Rejects a chat message with empty text, as Bean Validation would. */
	private final MessageRouter router = new MessageRouter(this.typed, this.mapper,
			(payload) -> (payload instanceof Chat chat && chat.text().isEmpty()) ? "text: must not be empty" : null);

	@Test
	void aTypedMessageGoesToItsHandlerWithItsPayloadBoundIgnoringTheTypeField() {
		MessageRouter.Route route = this.router.route("{\"type\":\"chat\",\"text\":\"hi\",\"id\":7}");
		assertThat(route.error()).isNull();
		assertThat(route.handler()).isSameAs(this.typed.typedMessages().get("chat"));
		assertThat(route.payload()).isEqualTo(new Chat("hi"));
		assertThat(route.id()).hasToString("7");
	}

	@Test
	void aJsonNodeHandlerGetsTheWholeMessage() {
		MessageRouter.Route route = this.router.route("{\"type\":\"any\",\"x\":[1,2]}");
		assertThat(route.payload()).isInstanceOf(JsonNode.class);
		assertThat(((JsonNode) route.payload()).get("x").size()).isEqualTo(2);
		assertThat(route.id()).isNull();
	}

	@Test
	void anUnknownTypeIsRejectedByNameKeepingTheRequestId() {
		MessageRouter.Route route = this.router.route("{\"type\":\"nope\",\"id\":\"r1\"}");
		assertThat(route.handler()).isNull();
		assertThat(route.error()).hasMessage("Unknown message type: nope");
		assertThat(route.id()).hasToString("\"r1\"");
	}

	@Test
	void aMessageWithoutATypeAndNotJsonAreRejectedSayingWhy() {
		assertThat(this.router.route("{\"text\":\"hi\"}").error()).hasMessage("Unknown message type: (none)");
		assertThat(this.router.route("[1,2]").error()).hasMessage("Unknown message type: (none)");
		assertThat(this.router.route("{not json").error()).hasMessage("Invalid JSON");
	}

	@Test
	void aPayloadThatDoesNotBindIsRejectedNamingTheField() {
		MessageRouter.Route route = this.router.route("{\"type\":\"chat\",\"text\":{\"a\":1},\"id\":3}");
		assertThat(route.handler()).isNull();
		assertThat(route.error().getMessage()).startsWith("Invalid message: text: ");
		assertThat(route.id()).hasToString("3");
	}

	@Test
	void anInvalidPayloadIsRejectedWithTheValidatorsMessage() {
		MessageRouter.Route route = this.router.route("{\"type\":\"chat\",\"text\":\"\"}");
		assertThat(route.handler()).isNull();
		assertThat(route.error()).hasMessage("text: must not be empty");
	}

	@Test
	void anIdThatIsNeitherStringNorNumberIsNotARequestId() {
		assertThat(this.router.route("{\"type\":\"chat\",\"text\":\"hi\",\"id\":{}}").id()).isNull();
	}

	@Test
	void whatNoTypedHandlerTakesGoesToTheRawTextHandlerAsItIs() {
		MessageRouter withRaw = new MessageRouter(this.typedWithRaw, this.mapper, null);
		for (String text : new String[] { "{not json", "{\"type\":\"nope\"}", "plain words" }) {
			MessageRouter.Route route = withRaw.route(text);
			assertThat(route.handler()).isSameAs(this.typedWithRaw.rawText());
			assertThat(route.payload()).isEqualTo(text);
		}
	}

	@Test
	void anEndpointWithoutTypedHandlersTakesTextRawOrRefusesIt() {
		MessageRouter raw = new MessageRouter(this.rawOnly, this.mapper, null);
		assertThat(raw.route("{\"type\":\"chat\"}").handler()).isSameAs(this.rawOnly.rawText());
		EndpointDefinition binaryOnly = new EndpointScanner().scan("binaryOnly", new BinaryOnly());
		assertThat(new MessageRouter(binaryOnly, this.mapper, null).route("hi").error())
			.hasMessage("Text messages are not accepted");
	}

	record Chat(String text) {
	}

	@WsEndpoint("/typed")
	static class Typed {

		@OnMessage("chat")
		void chat(@Valid Chat chat) {
		}

		@OnMessage("any")
		void any(JsonNode message) {
		}

	}

	@WsEndpoint("/typed-with-raw")
	static class TypedWithRaw {

		@OnMessage("chat")
		void chat(Chat chat) {
		}

		@OnMessage
		void raw(String text) {
		}

	}

	@WsEndpoint("/raw")
	static class RawOnly {

		@OnMessage
		void raw(String text) {
		}

	}

	@WsEndpoint("/binary")
	static class BinaryOnly {

		@OnMessage
		void raw(byte[] data) {
		}

	}

}
