package dev.wspubsub.testapp;

import java.net.URI;
import java.time.Duration;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.awaitility.Awaitility.await;

/** Clients and server-side sessions for tests against a running application. */
public abstract class WsTestSupport {

	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	static final JsonMapper JSON = JsonMapper.shared();

	@LocalServerPort
	public int port;

	@Autowired
	public WsServer server;

	@Autowired
	public Events events;

	public URI uri(String path) {
		return URI.create("ws://localhost:" + this.port + path);
	}

	public WsTestClient connect(String path) {
		return WsTestClient.builder(uri(path)).defaultTimeout(TIMEOUT).connect();
	}

	/** Connects to a {@link RecordingEndpoint} and reads its hello. */
	public Connected open(String path) {
		WsTestClient client = connect(path);
		String id = client.awaitType("hello").get("id").stringValue();
		return new Connected(client, id, this.server.session(id).orElseThrow());
	}

	/** Connects a client that never reads on its own, and reads the hello. */
	public RawConnected openRaw(String path) {
		RawWebSocket raw = RawWebSocket.connect(uri(path));
		String id = JSON.readTree(raw.readFrame(TIMEOUT).text()).get("id").stringValue();
		return new RawConnected(raw, id, this.server.session(id).orElseThrow());
	}

	/** Waits until the connections of earlier tests have gone, for tests that count. */
	public void awaitNoConnections() {
		await().atMost(TIMEOUT).until(() -> this.server.connections() == 0);
	}

	/**
	 * A round trip through {@link ApiEndpoint}: the connection is open and its messages
	 * are still handled.
	 */
	public static void assertAnswers(WsTestClient client) {
		client.sendJson(java.util.Map.of("type", "string"));
		org.assertj.core.api.Assertions.assertThat(client.awaitMessage()).isEqualTo("plain text");
	}

	public static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	/** A client with its server-side session. */
	public record Connected(WsTestClient client, String id, WsSession<?> session) implements AutoCloseable {

		@Override
		public void close() {
			this.client.close();
		}
	}

	/** A raw client with its server-side session. */
	public record RawConnected(RawWebSocket raw, String id, WsSession<?> session) implements AutoCloseable {

		@Override
		public void close() {
			this.raw.close();
		}
	}

}
