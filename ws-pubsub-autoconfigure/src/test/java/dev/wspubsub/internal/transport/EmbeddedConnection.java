package dev.wspubsub.internal.transport;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.cluster.LocalFanout;
import dev.wspubsub.internal.history.LocalHistory;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.PublishRouter;
import dev.wspubsub.internal.topic.TopicLimits;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.HistoryRules;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCounted;
import io.netty.util.concurrent.FastThreadLocal;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;

/**
 * A {@link WsConnection} on Netty's {@link EmbeddedChannel}: everything runs on the test
 * thread, which is the channel's event loop, and what the connection writes can be read
 * back frame by frame. For unit tests of the transport's parts without a socket.
 */
public final class EmbeddedConnection implements AutoCloseable {

	private static final String STALLED = "stalled-peer";

	final EmbeddedChannel channel = new EmbeddedChannel();

	final RecordingHandler handler = new RecordingHandler();

	final WsConnection connection;

	private final LocalHistory history;

	public EmbeddedConnection(long backpressureLimit, boolean closeOnBackpressureLimit) {
		// The flush batcher and cork buffer are per thread, bound to the loop that first
		// used them: in production a thread is one loop for life, here each test has a
		// loop
		// of its own on the same thread.
		FastThreadLocal.removeAll();
		EndpointSettings settings = new EndpointSettings("/ws", 16 * 1024 * 1024, Duration.ZERO, false,
				backpressureLimit, closeOnBackpressureLimit, false, new EndpointSettings.Deflate(false, false, false),
				List.of());
		TopicRegistry registry = new TopicRegistry();
		this.history = new LocalHistory(new HistoryRules(List.of()), registry, ByteBufAllocator.DEFAULT,
				(topic, message) -> {
				});
		PublishRouter router = new PublishRouter(registry, new LocalFanout(), WsMetricsListener.NONE, this.history);
		this.connection = new WsConnection(this.channel, settings, new LoopbackRequest(), null, null, null, router,
				new PayloadEncoder(JsonMapper.builder().build(), ByteBufAllocator.DEFAULT), false,
				TopicAuthorizer.ALLOW_ALL, TopicLimits.NONE, WsMetricsListener.NONE, this.handler);
	}

	/**
	 * From now on nothing written leaves the channel's outbound buffer, as with a peer
	 * that stopped reading: flushes are swallowed until {@link #peerReadsAgain()}.
	 */
	void peerStopsReading() {
		this.channel.pipeline().addFirst(STALLED, new ChannelOutboundHandlerAdapter() {
			@Override
			public void flush(ChannelHandlerContext ctx) {
			}
		});
	}

	/** The peer reads again: what was held is flushed. */
	void peerReadsAgain() {
		this.channel.pipeline().remove(STALLED);
		this.channel.flush();
	}

	/** Runs what the loop has queued (the flush batcher's task among them). */
	public void runLoop() {
		this.channel.runPendingTasks();
	}

	/** Everything written so far, as raw bytes on the wire. */
	List<Object> written() {
		List<Object> out = new ArrayList<>();
		Object next;
		while ((next = this.channel.readOutbound()) != null) {
			out.add(next);
		}
		return out;
	}

	/** The close frames among {@code written}, released as they are read. */
	static List<Integer> closeCodes(List<Object> written) {
		List<Integer> codes = new ArrayList<>();
		for (Object frame : written) {
			if (frame instanceof CloseWebSocketFrame close) {
				codes.add(close.statusCode());
			}
		}
		return codes;
	}

	/** Releases what {@code written} holds. */
	static void release(List<Object> written) {
		for (Object frame : written) {
			if (frame instanceof ReferenceCounted counted) {
				counted.release();
			}
		}
	}

	/** Total bytes of the raw buffers among {@code written}. */
	static long bytes(List<Object> written) {
		long total = 0;
		for (Object frame : written) {
			if (frame instanceof ByteBuf buf) {
				total += buf.readableBytes();
			}
		}
		return total;
	}

	public WsConnection connection() {
		return this.connection;
	}

	@Override
	public void close() {
		if (this.channel.pipeline().get(STALLED) != null) {
			peerReadsAgain();
		}
		release(written());
		this.channel.finishAndReleaseAll();
		this.history.close();
	}

	static final class RecordingHandler implements ConnectionHandler {

		final List<String> events = new ArrayList<>();

		@Override
		public void onOpen(WsConnection connection) {
			this.events.add("open");
		}

		@Override
		public void onText(WsConnection connection, String text) {
			this.events.add("text:" + text);
		}

		@Override
		public void onBinary(WsConnection connection, byte[] data) {
			this.events.add("binary:" + data.length);
		}

		@Override
		public void onPing(WsConnection connection, byte[] data) {
			this.events.add("ping");
		}

		@Override
		public void onPong(WsConnection connection, byte[] data) {
			this.events.add("pong");
		}

		@Override
		public void onDrain(WsConnection connection) {
			this.events.add("drain");
		}

		@Override
		public void onTopicDenied(WsConnection connection, String topic) {
			this.events.add("denied:" + topic);
		}

		@Override
		public void onClose(WsConnection connection, int code, String reason) {
			this.events.add("close:" + code);
		}

	}

	private static final class LoopbackRequest implements UpgradeRequest {

		@Override
		public String path() {
			return "/ws";
		}

		@Override
		public URI uri() {
			return URI.create("ws://127.0.0.1/ws");
		}

		@Override
		public Optional<String> queryParam(String name) {
			return Optional.empty();
		}

		@Override
		public List<String> queryParams(String name) {
			return List.of();
		}

		@Override
		public Optional<String> header(String name) {
			return Optional.empty();
		}

		@Override
		public HttpHeaders headers() {
			return new HttpHeaders();
		}

		@Override
		public Optional<String> cookie(String name) {
			return Optional.empty();
		}

		@Override
		public InetSocketAddress remoteAddress() {
			return new InetSocketAddress("127.0.0.1", 40000);
		}

		@Override
		public List<String> subprotocols() {
			return List.of();
		}

	}

}
