package dev.wspubsub.sse;

import java.security.Principal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.wspubsub.TopicAuthorizer;
import dev.wspubsub.topic.TopicRegistry;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Streams a topic as Server-Sent Events at {@code GET {path}/{topic}}: each message is an
 * event with an id (counting from 1 per stream) and the text as data (binary messages as
 * base64 in a {@code binary} event), a first comment carries the {@code retry} delay, and
 * a comment heartbeat keeps idle streams open. The request passes through the
 * application's web filters as any other. The client is subscribed while its stream is
 * open and unsubscribed as soon as it disconnects; when the context stops, every stream
 * ends so the web server's graceful shutdown does not wait for them.
 */
public final class SseTopicBridge implements SmartLifecycle {

	private final TopicAuthorizer authorizer;

	private final TopicRegistry topics;

	private final String path;

	private final Duration heartbeat;

	private final Duration retry;

	private final int bufferSize;

	private volatile Sinks.Empty<Void> stopped = Sinks.empty();

	private volatile boolean running;

	/**
	 * @param path the path prefix, such as {@code /sse}
	 * @param heartbeat interval of heartbeat comments; must be positive
	 * @param retry the reconnection delay told to clients; must not be negative
	 * @param bufferSize most events held for one client; must be positive
	 * @param authorizer asked before a stream opens, as a WebSocket's subscribe is
	 */
	public SseTopicBridge(TopicRegistry topics, String path, Duration heartbeat, Duration retry, int bufferSize,
			TopicAuthorizer authorizer) {
		this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
		this.topics = Objects.requireNonNull(topics, "topics");
		this.path = normalize(Objects.requireNonNull(path, "path"));
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
		}
		if (retry.isNegative()) {
			throw new IllegalArgumentException("retry must not be negative, was " + retry);
		}
		if (bufferSize <= 0) {
			throw new IllegalArgumentException("bufferSize must be strictly positive, was " + bufferSize);
		}
		this.heartbeat = heartbeat;
		this.retry = retry;
		this.bufferSize = bufferSize;
	}

	private static String normalize(String path) {
		String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
	}

	/** The route of the event streams, for a {@code RouterFunction} bean. */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route(RequestPredicates.GET(this.path + "/{topic}"), this::stream);
	}

	Mono<ServerResponse> stream(ServerRequest request) {
		String topic = request.pathVariable("topic");
		EventLoop loop = eventLoop(request);
		// The same topic authorization as a WebSocket's subscribe, for the same principal.
		return request.principal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> {
				if (!this.authorizer.canSubscribe(topic, new SseClient(this.path, principal.orElse(null)))) {
					return ServerResponse.status(HttpStatus.FORBIDDEN)
						.contentType(MediaType.TEXT_PLAIN)
						.bodyValue("Forbidden: " + topic);
				}
				return open(topic, loop);
			});
	}

	private Mono<ServerResponse> open(String topic, @Nullable EventLoop loop) {
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noStore())
			.header("X-Accel-Buffering", "no") // reverse proxies must not hold events back
			.body(BodyInserters.fromServerSentEvents(events(topic, loop)));
	}

	/** The events of {@code topic} for one client, subscribed while the returned Flux is. */
	Flux<ServerSentEvent<String>> events(String topic, @Nullable EventLoop loop) {
		return Flux.defer(() -> {
			SseSubscriber subscriber = new SseSubscriber(loop, this.bufferSize);
			this.topics.subscribe(topic, subscriber);
			ServerSentEvent<String> hello = ServerSentEvent.<String>builder().retry(this.retry).comment("subscribed").build();
			ServerSentEvent<String> beat = ServerSentEvent.<String>builder().comment("heartbeat").build();
			Flux<ServerSentEvent<String>> heartbeats = Flux.interval(this.heartbeat, this.heartbeat).map((tick) -> beat);
			return Flux.merge(subscriber.events(), heartbeats)
				.startWith(hello)
				.takeUntilOther(this.stopped.asMono())
				.doFinally((signal) -> this.topics.unsubscribe(topic, subscriber));
		});
	}

	private static @Nullable EventLoop eventLoop(ServerRequest request) {
		try {
			HttpServerRequest nativeRequest = ServerHttpRequestDecorator
				.getNativeRequest(request.exchange().getRequest());
			EventLoop[] loop = new EventLoop[1];
			nativeRequest.withConnection((connection) -> loop[0] = connection.channel().eventLoop());
			return loop[0];
		}
		catch (IllegalArgumentException ex) {
			return null; // not Reactor Netty: deliver on the publishing thread
		}
	}

	@Override
	public void start() {
		this.stopped = Sinks.empty();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.stopped.tryEmitEmpty();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// With GracefulShutdown: before the web server's graceful shutdown phase.
		return SmartLifecycle.DEFAULT_PHASE;
	}
	/** What an authorizer sees of an SSE client: who it is and the route; a stream has no connection data. */
	private record SseClient(String path, @Nullable Principal principal) implements TopicAuthorizer.Client {

		@Override
		public @Nullable Object data() {
			return null;
		}

	}

}
