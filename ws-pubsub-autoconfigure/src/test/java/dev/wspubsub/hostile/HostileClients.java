package dev.wspubsub.hostile;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;

import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.test.RawWebSocket;
import dev.wspubsub.test.WsTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/** Helpers shared by the hostile-client tests: raw frames, server-side sessions. */
final class HostileClients {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.shared();

	private HostileClients() {
	}

	static URI uri(int port, String path) {
		return URI.create("ws://localhost:" + port + path);
	}

	static WsTestClient connect(int port, String path) {
		WsTestClient client = WsTestClient.builder(uri(port, path)).defaultTimeout(TIMEOUT).connect();
		client.awaitType("hello");
		return client;
	}

	/** The id the endpoint's hello names, read from a raw socket. */
	static String helloId(RawWebSocket raw) {
		return JSON.readTree(raw.readFrame(TIMEOUT).text()).get("id").stringValue();
	}

	static WsSession<?> session(WsServer server, String id) {
		return server.session(id).orElseThrow();
	}

	/**
	 * {@code count} masked ping frames of {@code payloadLength} bytes each, back to back
	 * (a zero masking key: the payload goes as it is).
	 */
	static byte[] pings(int count, int payloadLength) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(count * (payloadLength + 6));
		for (int i = 0; i < count; i++) {
			out.write(0x89);
			out.write(0x80 | payloadLength);
			out.writeBytes(new byte[4]);
			out.writeBytes(new byte[payloadLength]);
		}
		return out.toByteArray();
	}

	/**
	 * The connection's buffered amount once it has stopped changing: the socket below
	 * takes no more.
	 */
	static long steadyBufferedAmount(WsSession<?> session) {
		long[] last = { -1 };
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
			long now = session.bufferedAmount();
			boolean steady = last[0] == now;
			last[0] = now;
			return steady;
		});
		return last[0];
	}

}
