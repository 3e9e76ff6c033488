package dev.wspubsub.internal.endpoint;

import java.math.BigDecimal;
import java.util.List;

import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import jakarta.validation.Valid;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
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
	void theTypeIsTheTopLevelOneWhateverNestedValuesBeforeItHold() {
		MessageRouter.Route route = this.router.route("{\"data\":{\"type\":\"any\",\"x\":[{\"type\":\"any\"}]},"
				+ "\"list\":[{\"type\":\"nope\"},\"type\"],\"type\":\"chat\",\"text\":\"hi\"}");
		assertThat(route.handler()).isSameAs(this.typed.typedMessages().get("chat"));
		assertThat(route.payload()).isEqualTo(new Chat("hi"));
		assertThat(this.router.route("{\"data\":{\"type\":\"chat\",\"text\":\"hi\"}}").error())
			.hasMessage("Unknown message type: (none)");
	}

	@Test
	void aRepeatedKeyCountsOnceWithItsLastValue() {
		assertThat(this.router.route("{\"type\":\"nope\",\"type\":\"chat\",\"text\":\"hi\"}").payload())
			.isEqualTo(new Chat("hi"));
		assertThat(this.router.route("{\"type\":\"chat\",\"type\":\"nope\",\"text\":\"hi\"}").error())
			.hasMessage("Unknown message type: nope");
		assertThat(this.router.route("{\"type\":\"chat\",\"text\":{\"a\":1},\"text\":\"hi\"}").payload())
			.isEqualTo(new Chat("hi"));
		assertThat(this.router.route("{\"type\":\"chat\",\"text\":\"hi\",\"id\":1,\"id\":{}}").id()).isNull();
	}

	@Test
	void aTypeThatIsNotAStringIsNoType() {
		for (String type : new String[] { "1", "null", "true", "{\"type\":\"chat\"}", "[\"chat\"]" }) {
			MessageRouter.Route route = this.router.route("{\"type\":" + type + ",\"text\":\"hi\",\"id\":4}");
			assertThat(route.error()).as(type).hasMessage("Unknown message type: (none)");
			assertThat(route.id()).as(type).hasToString("4");
		}
	}

	@Test
	void anIdIsEchoedWhenItIsAStringOrANumberWhereverItStands() {
		String[][] ids = { { "\"r1\"", "\"r1\"" }, { "7", "7" }, { "-3", "-3" }, { "99999999999", "99999999999" },
				{ "123456789012345678901234567890", "123456789012345678901234567890" }, { "1.50", "1.5" },
				{ "-0", "0" }, { "2e3", "2000.0" } };
		for (String[] id : ids) {
			assertThat(this.router.route("{\"id\":" + id[0] + ",\"type\":\"chat\",\"text\":\"hi\"}").id()).as(id[0])
				.hasToString(id[1]);
			assertThat(this.router.route("{\"type\":\"nope\",\"x\":{\"id\":0},\"id\":" + id[0] + "}").id()).as(id[0])
				.hasToString(id[1]);
		}
		for (String id : new String[] { "{}", "[1]", "true", "null" }) {
			assertThat(this.router.route("{\"type\":\"chat\",\"text\":\"hi\",\"id\":" + id + "}").id()).as(id).isNull();
		}
		assertThat(this.router.route("{\"type\":\"chat\",\"x\":{\"id\":5},\"text\":\"hi\"}").id()).isNull();
	}

	@Test
	void nestingIsFollowedToTheParsersLimitAndRefusedBeyondIt() {
		int limit = this.mapper.tokenStreamFactory().streamReadConstraints().getMaxNestingDepth();
		assertThat(this.router
			.route("{\"x\":" + "[".repeat(limit - 1) + "]".repeat(limit - 1) + ",\"type\":\"chat\",\"text\":\"hi\"}")
			.payload()).isEqualTo(new Chat("hi"));
		assertThat(this.router
			.route("{\"type\":\"chat\",\"text\":\"hi\",\"x\":" + "[".repeat(limit) + "]".repeat(limit) + "}")
			.error()).hasMessage("Invalid JSON");
	}

	@Test
	void whitespaceAndEscapesAreJsonsOwn() {
		assertThat(this.router.route("\n\t {\r\n \"type\" : \"chat\" ,\"text\":\"hi\" } \n").payload())
			.isEqualTo(new Chat("hi"));
		assertThat(this.router.route("{\"ty\\u0070e\":\"ch\\u0061t\",\"t\\u0065xt\":\"h\\u0069\"}").payload())
			.isEqualTo(new Chat("hi"));
		assertThat(this.router.route("{\"type \":\"chat\",\"text\":\"hi\"}").error())
			.hasMessage("Unknown message type: (none)");
		assertThat(this.router.route("  [{\"type\":\"chat\"}]").error()).hasMessage("Unknown message type: (none)");
		assertThat(this.router.route("\"chat\"").error()).hasMessage("Unknown message type: (none)");
		assertThat(this.router.route(" ").error()).hasMessage("Unknown message type: (none)");
	}

	@Test
	void jsonThatIsInvalidAnywhereIsInvalidEvenWhenThePayloadBindsOrFailsBeforeIt() {
		String[] texts = { "{\"type\":\"chat\",\"text\":\"hi\",}", "{\"type\":\"chat\",\"text\":\"hi\"",
				"{\"type\":\"chat\",\"text\":\"hi\",\"x\":\"\\q\"}", "{\"type\":\"chat\",\"text\":\"hi\"} x",
				"{\"type\":\"chat\",\"text\":\"hi\"}{}", "{\"type\":\"chat\",\"text\":{\"a\":1},\"x\":[}",
				"{\"type\":\"chat\",\"text\":\"hi\",\"x\":01}", "{\"type\":\"nope\",\"x\":tru}" };
		for (String text : texts) {
			assertThat(this.router.route(text).error()).as(text).hasMessage("Invalid JSON");
		}
	}

	@Test
	void aStringTheParserRefusesIsInvalidJsonEvenWhereThePayloadIgnoresIt() {
		JsonMapper strict = JsonMapper
			.builder(JsonFactory.builder()
				.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(10).build())
				.build())
			.build();
		MessageRouter router = new MessageRouter(this.typed, strict, null);
		assertThat(router.route("{\"type\":\"chat\",\"text\":\"hi\",\"note\":\"" + "x".repeat(11) + "\"}").error())
			.hasMessage("Invalid JSON");
		assertThat(router.route("{\"type\":\"chat\",\"text\":\"hi\",\"note\":\"" + "x".repeat(10) + "\"}").payload())
			.isEqualTo(new Chat("hi"));
	}

	@Test
	void numbersAreBoundAsTheMessagesTreeHoldsThem() {
		MessageRouter.Route route = this.router.route("{\"type\":\"amount\",\"label\":1.50,\"value\":1.50}");
		assertThat(route.payload()).isEqualTo(new Amount("1.5", new BigDecimal("1.5")));
		assertThat(this.router.route("{\"type\":\"amount\",\"label\":-0,\"value\":-0}").payload())
			.isEqualTo(new Amount("0", new BigDecimal("0")));
		assertThat(this.router.route("{\"type\":\"amount\",\"label\":12,\"value\":12}").payload())
			.isEqualTo(new Amount("12", new BigDecimal("12")));
		assertThat(this.router.route("{\"type\":\"order\",\"lines\":[{\"label\":2.50,\"value\":-0}]}").payload())
			.isEqualTo(new Order(List.of(new Amount("2.5", new BigDecimal("0")))));
	}

	@Test
	void aPayloadWithATypePropertyGetsTheType() {
		assertThat(this.router.route("{\"type\":\"labelled\",\"text\":\"hi\"}").payload())
			.isEqualTo(new Labelled("labelled", "hi"));
	}

	@Test
	void aStringPayloadIsTheMessageWrittenCompactly() {
		assertThat(this.router.route("{ \"type\" : \"text\" , \"a\" : [ 1 , 2.50 ] , \"id\":\"r\" }").payload())
			.isEqualTo("{\"type\":\"text\",\"a\":[1,2.5],\"id\":\"r\"}");
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

	record Amount(String label, BigDecimal value) {
	}

	record Order(List<Amount> lines) {
	}

	record Labelled(String type, String text) {
	}

	@WsEndpoint("/typed")
	static class Typed {

		@OnMessage("chat")
		void chat(@Valid Chat chat) {
		}

		@OnMessage("any")
		void any(JsonNode message) {
		}

		@OnMessage("amount")
		void amount(Amount amount) {
		}

		@OnMessage("order")
		void order(Order order) {
		}

		@OnMessage("labelled")
		void labelled(Labelled labelled) {
		}

		@OnMessage("text")
		void text(String message) {
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
