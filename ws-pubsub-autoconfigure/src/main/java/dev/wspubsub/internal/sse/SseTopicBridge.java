package dev.wspubsub.internal.sse;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.wspubsub.Recovery;
import dev.wspubsub.StreamPosition;
import dev.wspubsub.internal.topic.Resumes;
import dev.wspubsub.internal.topic.TopicLimits;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.spi.WsMetricsListener;
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
 * event with the text as data (binary messages as base64 in a {@code binary} event), a
 * first comment carries the {@code retry} delay, and a comment heartbeat keeps idle
 * streams open. The request passes through the application's web filters as any other.
 * The client is subscribed while its stream is open and unsubscribed as soon as it
 * disconnects; when the context stops, every stream ends so the web server's graceful
 * shutdown does not wait for them.
 *
 * <p>
 * Event ids: on a topic without history they count from 1 per stream. On a topic with a
 * history rule each id is the message's position, {@code <epoch>:<offset>}, and a client
 * that reconnects with the last one it got, in the {@code Last-Event-ID} header (as
 * {@code EventSource} does by itself) or a {@code lastEventId} query parameter (for
 * clients that cannot set headers; the header wins, since an {@code EventSource}
 * reconnects to its first URL with a newer header), resumes where it left off:
 * <ul>
 * <li>when the history still holds every event after that id, those come first, in order,
 * then the live ones, with no gap and no duplicate: the client is subscribed before the
 * history is read, its live events are held meanwhile, and those the replay already sent
 * are dropped by position, as for a WebSocket's resubscribe;</li>
 * <li>otherwise (trimmed, expired, another epoch, not a position) the stream begins with
 * an {@code event: reset} whose data and id are the topic's current position, then the
 * live events after it; the client reloads its state.</li>
 * </ul>
 * Each resume is told to {@link WsMetricsListener#resumed} with a {@code null} path.
 * Without an id the stream is just the live events. A client too slow for its buffer on
 * such a topic has its stream ended after what fits, and resumes as above.
 */
public final class SseTopicBridge implements SmartLifecycle {

	private final TopicAuthorizer authorizer;

	private final TopicLimits limits;

	private final Function<Principal, @Nullable Instant> expiryOf;

	private final TopicRegistry topics;

	private final TopicHistory history;

	private final WsMetricsListener metrics;

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
	 * @param metrics told of each resume
	 */
	public SseTopicBridge(TopicRegistry topics, TopicHistory history, String path, Duration heartbeat, Duration retry,
			int bufferSize, TopicAuthorizer authorizer, WsMetricsListener metrics) {
		this(topics, history, path, heartbeat, retry, bufferSize, authorizer, metrics, TopicLimits.NONE,
				(principal) -> null);
	}

	/**
	 * As the other constructor, with a WebSocket's limits: a topic name over
	 * {@code limits}' length gets 400, and a stream opened with a token ends when the
	 * token expires.
	 * @param limits the topic limits of a client's subscribe
	 * @param expiryOf when a principal's token expires, {@code null} for never
	 */
	public SseTopicBridge(TopicRegistry topics, TopicHistory history, String path, Duration heartbeat, Duration retry,
			int bufferSize, TopicAuthorizer authorizer, WsMetricsListener metrics, TopicLimits limits,
			Function<Principal, @Nullable Instant> expiryOf) {
		this.limits = Objects.requireNonNull(limits, "limits");
		this.expiryOf = Objects.requireNonNull(expiryOf, "expiryOf");
		this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
		this.topics = Objects.requireNonNull(topics, "topics");
		this.history = Objects.requireNonNull(history, "history");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
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
		String lastEventId = lastEventId(request);
		EventLoop loop = eventLoop(request);
		// The same topic authorization as a WebSocket's subscribe, for the same
		// principal.
		if (this.limits.isTooLong(topic)) {
			this.metrics.topicRefused(null, WsMetricsListener.TOPIC_REFUSED_TOO_LONG);
			return ServerResponse.badRequest().contentType(MediaType.TEXT_PLAIN).bodyValue(this.limits.tooLongError());
		}
		return request.principal().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((principal) -> {
			if (!this.authorizer.canSubscribe(topic, new SseClient(this.path, principal.orElse(null)))) {
				return ServerResponse.status(HttpStatus.FORBIDDEN)
					.contentType(MediaType.TEXT_PLAIN)
					.bodyValue("Forbidden: " + topic);
			}
			Instant expiresAt = principal.map(this.expiryOf).orElse(null);
			return open(topic, lastEventId, loop, expiresAt);
		});
	}

	private static @Nullable String lastEventId(ServerRequest request) {
		String header = request.headers().firstHeader("Last-Event-ID");
		String id = (header != null && !header.isBlank()) ? header : request.queryParam("lastEventId").orElse(null);
		return (id != null && !id.isBlank()) ? id.strip() : null;
	}

	private Mono<ServerResponse> open(String topic, @Nullable String lastEventId, @Nullable EventLoop loop,
			@Nullable Instant expiresAt) {
		Flux<ServerSentEvent<String>> events = events(topic, lastEventId, loop);
		if (expiresAt != null) {
			// As a WebSocket is closed at its token's exp: the client reconnects with a
			// fresh token.
			Duration left = Duration.between(Instant.now(), expiresAt);
			events = events.takeUntilOther(Mono.delay(left.isNegative() ? Duration.ZERO : left));
		}
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noStore())
			.header("X-Accel-Buffering", "no") // reverse proxies must not hold events
												// back
			.body(BodyInserters.fromServerSentEvents(events));
	}

	/**
	 * The events of {@code topic} for one client, subscribed while the returned Flux is.
	 * @param lastEventId the id of the last event the client got, if it resumes
	 */
	Flux<ServerSentEvent<String>> events(String topic, @Nullable String lastEventId, @Nullable EventLoop loop) {
		return Flux.defer(() -> {
			HistoryRule rule = this.history.rules().ruleFor(topic);
			SseSubscriber subscriber = new SseSubscriber(loop, this.bufferSize, rule != null);
			boolean resuming = rule != null && lastEventId != null;
			// Held from before the subscription exists, so nothing live slips ahead of
			// the
			// replay.
			long ticket = resuming ? subscriber.beginResume(topic) : 0;
			this.topics.subscribe(topic, subscriber);
			Flux<ServerSentEvent<String>> events = resuming ? resumed(topic, rule, lastEventId, subscriber, ticket)
					: subscriber.events();
			ServerSentEvent<String> hello = ServerSentEvent.<String>builder()
				.retry(this.retry)
				.comment("subscribed")
				.build();
			ServerSentEvent<String> beat = ServerSentEvent.<String>builder().comment("heartbeat").build();
			Flux<ServerSentEvent<String>> heartbeats = Flux.interval(this.heartbeat, this.heartbeat)
				.map((tick) -> beat)
				.takeUntilOther(subscriber.ended());
			return Flux.merge(events, heartbeats)
				.startWith(hello)
				.takeUntilOther(this.stopped.asMono())
				.doFinally((signal) -> {
					this.topics.unsubscribe(topic, subscriber);
					subscriber.close();
				});
		});
	}

	/**
	 * The replay after {@code lastEventId}, or a reset, then the live events, through the
	 * same hold-and-replay as a WebSocket's resubscribe ({@link Resumes}): what is
	 * published while the history is read is held, and what the replay covered dropped.
	 */
	private Flux<ServerSentEvent<String>> resumed(String topic, HistoryRule rule, String lastEventId,
			SseSubscriber subscriber, long ticket) {
		StreamPosition since = parse(lastEventId);
		return Mono.fromFuture(() -> this.history.read(topic, rule, since, 0))
			.onErrorReturn(Recovery.unavailable())
			.flatMapMany((recovery) -> {
				this.metrics.resumed(null, recovery.recovered(), recovery.publications().size());
				Flux<ServerSentEvent<String>> first = recovery.recovered()
						? Flux.fromIterable(recovery.publications()).map(SseEvents::of)
						: Flux.just(SseEvents.reset(recovery.position()));
				// The buffer is read once the replay has gone out.
				subscriber.handOver(topic, ticket, recovery);
				return first.concatWith(subscriber.events());
			});
	}

	/** The position an id names; {@code null} (never recoverable) when it names none. */
	private static @Nullable StreamPosition parse(String id) {
		try {
			return StreamPosition.parse(id);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
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

	/**
	 * What an authorizer sees of an SSE client: who it is and the route; a stream has no
	 * connection data.
	 */
	private record SseClient(String path, @Nullable Principal principal) implements TopicAuthorizer.Client {

		@Override
		public @Nullable Object data() {
			return null;
		}

	}

}
