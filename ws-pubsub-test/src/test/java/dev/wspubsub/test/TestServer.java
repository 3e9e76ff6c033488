package dev.wspubsub.test;

import java.net.URI;
import java.time.Duration;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * A Reactor Netty server on an ephemeral port with the routes the client tests talk to.
 */
final class TestServer implements AutoCloseable {

	private final DisposableServer server;

	private TestServer(DisposableServer server) {
		this.server = server;
	}

	static TestServer start() {
		// Frames above Netty's 64 KiB default must pass for the 64-bit length test.
		WebsocketServerSpec large = WebsocketServerSpec.builder().maxFramePayloadLength(1 << 20).build();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes
				// Echoes every frame as it came, so fragmented messages come back
				// fragmented.
				.ws("/echo", (in, out) -> out.sendObject(in.receiveFrames().map(WebSocketFrame::retain)), large)
				.ws("/chat", (in, out) -> out.sendObject(in.receiveFrames().map(WebSocketFrame::retain)),
						WebsocketServerSpec.builder().protocols("chat.v2").build())
				.ws("/header",
						(in, out) -> out.sendString(Mono.justOrEmpty(in.headers().get("X-Test"))).neverComplete())
				.ws("/fragmented", (in,
						out) -> out.sendObject(Flux.defer(() -> Flux.just(new TextWebSocketFrame(false, 0, "Hello, "),
								new ContinuationWebSocketFrame(false, 0, "fragmented "),
								new ContinuationWebSocketFrame(true, 0, "world"))))
							.neverComplete())
				.ws("/close", (in, out) -> out.sendClose(4001, "go away"))
				.ws("/drop", (in, out) -> {
					// Closing the channel itself, not the connection, skips the close
					// frame Reactor Netty would send.
					in.withConnection((connection) -> connection.channel().close());
					return Mono.never();
				})
				.get("/forbidden",
						(request, response) -> response.status(HttpResponseStatus.FORBIDDEN)
							.sendString(Mono.just("no token"))))
			.bindNow(Duration.ofSeconds(10));
		return new TestServer(server);
	}

	URI uri(String path) {
		return URI.create("ws://127.0.0.1:" + this.server.port() + path);
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(10));
	}

}
