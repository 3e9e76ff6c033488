package dev.wspubsub.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WsTestClientTest {

	private static final Duration SHORT = Duration.ofMillis(200);

	private static TestServer server;

	@BeforeAll
	static void startServer() {
		server = TestServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void text_messages_are_echoed() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			assertThat(client.isOpen()).isTrue();
			assertThat(client.sendAndAwait("hello")).isEqualTo("hello");
			client.send("one");
			client.send("two");
			assertThat(client.awaitMessages(2, Duration.ofSeconds(5))).containsExactly("one", "two");
		}
	}

	@Test
	void binary_messages_are_echoed() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			byte[] data = { 0, 1, 2, (byte) 0xFF };
			client.sendBinary(data);
			assertThat(client.awaitBinary(Duration.ofSeconds(5))).containsExactly(data);
		}
	}

	@Test
	void a_message_sent_in_fragments_arrives_reassembled() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/fragmented"))) {
			assertThat(client.awaitMessage()).isEqualTo("Hello, fragmented world");
		}
	}

	@Test
	void json_is_serialized_on_send_and_parsed_on_receipt() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			JsonNode reply = client.sendJsonAndAwait(Map.of("type", "join_room", "room", "general"));
			assertThat(reply.path("type").stringValue()).isEqualTo("join_room");
			assertThat(reply.path("room").stringValue()).isEqualTo("general");
			client.send("{\"n\":1}");
			assertThat(client.awaitJson().path("n").intValue()).isEqualTo(1);
		}
	}

	@Test
	void awaiting_json_fails_when_the_message_is_not_json() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			client.send("not json");
			client.send("");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::awaitJson)
				.withMessageContaining("Expected a JSON message")
				.withMessageContaining("not json");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::awaitJson)
				.withMessageContaining("Expected a JSON message");
		}
	}

	@Test
	void await_type_skips_and_discards_messages_of_other_types() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			client.sendJson(Map.of("type", "presence"));
			client.send("plain text");
			client.sendJson(Map.of("type", "room_joined", "room", "general"));
			client.sendJson(Map.of("type", "after"));
			assertThat(client.awaitType("room_joined").path("room").stringValue()).isEqualTo("general");
			assertThat(client.awaitJson().path("type").stringValue()).isEqualTo("after");
		}
	}

	@Test
	void await_type_times_out_with_a_message_listing_what_it_discarded() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			client.sendJson(Map.of("type", "presence"));
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.awaitType("room_joined", SHORT))
				.withMessageStartingWith(
						"Timed out after 200ms while awaiting a JSON message with \"type\": \"room_joined\"")
				.withMessageContaining("discarded 1: [{\"type\":\"presence\"}]")
				.withMessageContaining("connection open");
		}
	}

	@Test
	void await_message_times_out_with_a_message_saying_what_was_awaited_and_received() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			client.sendBinary(new byte[3]);
			assertThat(client.awaitBinary()).hasSize(3);
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.awaitMessage(SHORT))
				.withMessageStartingWith("Timed out after 200ms while awaiting a text message")
				.withMessageContaining("last received: [binary[3 bytes]]");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.awaitMessages(2, SHORT))
				.withMessageContaining("2 text messages (got 0: [])");
		}
	}

	@Test
	void waiting_for_a_message_ends_early_once_the_connection_is_closed() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/close"))) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.awaitMessage(Duration.ofMinutes(5)))
				.withMessageStartingWith("Connection closed (4001 \"go away\") while awaiting a text message");
		}
	}

	@Test
	void assert_no_message_fails_when_the_connection_closes_instead_of_staying_quiet() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/close"))) {
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.assertNoMessage(Duration.ofSeconds(5)))
				.withMessageStartingWith(
						"Expected no message within 5s on an open connection, but it closed (4001 \"go away\")");
			// Already closed: it fails at once rather than waiting out its duration.
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.assertNoMessage(Duration.ofSeconds(5)))
				.withMessageContaining("but it closed (4001");
		}
	}

	@Test
	void assert_no_message_fails_when_the_connection_drops() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/drop"))) {
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.assertNoMessage(Duration.ofSeconds(5)))
				.withMessageContaining("on an open connection, but it closed (1006");
		}
	}

	@Test
	void assert_no_message_passes_on_silence_and_fails_when_a_message_arrives() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			client.assertNoMessage(SHORT);
			client.send("surprise");
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.assertNoMessage(Duration.ofSeconds(5)))
				.withMessageStartingWith("Expected no message within 5s but received \"surprise\"");
			assertThat(client.drain()).containsExactly("surprise");
			assertThat(client.drain()).isEmpty();
		}
	}

	@Test
	void a_ping_is_answered_with_a_pong_carrying_its_payload() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			client.ping("are you there".getBytes(StandardCharsets.UTF_8));
			assertThat(client.awaitPong(Duration.ofSeconds(5))).asString(StandardCharsets.UTF_8)
				.isEqualTo("are you there");
		}
	}

	@Test
	void the_close_code_and_reason_make_the_round_trip() {
		WsTestClient client = WsTestClient.connect(server.uri("/echo"));
		client.close(4000, "bye");
		assertThat(client.awaitClose()).isEqualTo(new CloseStatus(4000, "bye"));
		assertThat(client.isOpen()).isFalse();
		client.close();
	}

	@Test
	void a_close_by_the_server_is_reported_with_its_code_and_reason() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/close"))) {
			assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(new CloseStatus(4001, "go away"));
			assertThat(client.isOpen()).isFalse();
		}
	}

	@Test
	void a_dropped_connection_is_reported_as_1006() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/drop"))) {
			assertThat(client.awaitClose().code()).isEqualTo(CloseStatus.ABNORMAL);
		}
	}

	@Test
	void awaiting_the_close_of_an_open_connection_times_out_with_a_helpful_message() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/echo"))) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.awaitClose(SHORT))
				.withMessageStartingWith("Timed out after 200ms while awaiting the close of the connection");
		}
	}

	@Test
	void an_aborted_connection_is_reported_as_1006() {
		WsTestClient client = WsTestClient.connect(server.uri("/echo"));
		client.abort();
		assertThat(client.awaitClose(Duration.ofSeconds(1)).code()).isEqualTo(1006);
		assertThat(client.isOpen()).isFalse();
	}

	@Test
	void a_refused_upgrade_exposes_the_status_and_body() {
		assertThatExceptionOfType(WsUpgradeRejectedException.class)
			.isThrownBy(() -> WsTestClient.connect(server.uri("/forbidden")))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(403);
				assertThat(ex.body()).isEqualTo("no token");
				assertThat(ex).hasMessageContaining("rejected with HTTP 403: no token");
			});
	}

	@Test
	void headers_and_subprotocols_are_sent_with_the_upgrade_request() {
		try (WsTestClient client = WsTestClient.builder(server.uri("/header")).header("X-Test", "42").connect()) {
			assertThat(client.awaitMessage()).isEqualTo("42");
			assertThat(client.subprotocol()).isEmpty();
		}
		try (WsTestClient client = WsTestClient.builder(server.uri("/chat"))
			.subprotocols("chat.v3", "chat.v2")
			.connectTimeout(Duration.ofSeconds(5))
			.defaultTimeout(Duration.ofSeconds(5))
			.connect()) {
			assertThat(client.subprotocol()).isEqualTo("chat.v2");
		}
	}

	@Test
	void connecting_where_nobody_listens_fails_with_an_io_error() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		URI uri = URI.create("ws://127.0.0.1:" + port + "/");
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> WsTestClient.builder(uri).connectTimeout(Duration.ofSeconds(2)).connect())
			.withMessageContaining(uri.toString());
	}

	@Test
	void sending_after_the_connection_closed_fails() {
		try (WsTestClient client = WsTestClient.connect(server.uri("/close"))) {
			client.awaitClose();
			assertThatThrownBy(() -> client.send("late")).isInstanceOf(RuntimeException.class)
				.hasMessageContaining("Could not send a text message");
		}
	}

}
