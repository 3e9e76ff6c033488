package dev.wspubsub.internal.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.transport.ConnectionHandler;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.OpeningHandshake;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.internal.transport.Upgrader;
import dev.wspubsub.spi.WsMetricsListener;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Handles requests to one endpoint's path, after the application's web filters: checks
 * the handshake, runs {@code @OnUpgrade}, then upgrades. Anything that is not a WebSocket
 * handshake gets a 426 or 400 saying so.
 */
final class EndpointWebHandler implements WebHandler {

	private final EndpointDefinition endpoint;

	private final EndpointSettings settings;

	/** The dispatcher, wrapped by the security guard (rate limits, token expiry). */
	private final ConnectionHandler dispatcher;

	private final EndpointGuard guard;

	private final Upgrader upgrader;

	private final SessionRegistry sessions;

	EndpointWebHandler(EndpointDefinition endpoint, EndpointSettings settings, MessageDispatcher dispatcher,
			Upgrader upgrader, SessionRegistry sessions, EndpointGuard guard) {
		this.endpoint = endpoint;
		this.settings = settings;
		this.guard = guard;
		this.dispatcher = guard.decorate(dispatcher);
		this.upgrader = upgrader;
		this.sessions = sessions;
	}

	EndpointSettings settings() {
		return this.settings;
	}

	EndpointDefinition endpoint() {
		return this.endpoint;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		ServerHttpRequest httpRequest = exchange.getRequest();
		WsMetricsListener metrics = this.sessions.metrics();
		OpeningHandshake.Rejection rejection = OpeningHandshake.check(httpRequest, this.settings.path());
		if (rejection != null) {
			metrics.upgradeRejected(this.settings.path(), rejection.metricsReason());
			rejection.headers().forEach(exchange.getResponse().getHeaders()::set);
			return respond(exchange, HttpStatusCode.valueOf(rejection.status()), rejection.message());
		}
		if (!Upgrader.isReactorNetty(exchange)) {
			return Mono.error(new IllegalStateException("ws-pubsub needs Reactor Netty, but this request is served by "
					+ exchange.getResponse().getClass().getName()));
		}
		if (!this.sessions.isAccepting()) {
			metrics.upgradeRejected(this.settings.path(), WsMetricsListener.REJECTED_SHUTTING_DOWN);
			return respond(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Server is shutting down");
		}
		UpgradeRequest request = new DefaultUpgradeRequest(httpRequest);
		String subprotocol = subprotocol(request);
		String path = this.settings.path();
		this.sessions.upgradeStarted(path);
		AtomicBoolean ended = new AtomicBoolean();
		Runnable end = () -> {
			if (ended.compareAndSet(false, true)) {
				this.sessions.upgradeEnded(path);
			}
		};
		return exchange.getPrincipal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> connectionData(exchange, request, principal.orElse(null))
				.onErrorResume(UpgradeRejectedException.class, (rejected) -> {
					end.run();
					metrics.upgradeRejected(path, WsMetricsListener.REJECTED_BY_APPLICATION);
					return respond(exchange, HttpStatusCode.valueOf(rejected.status()), rejected.reason())
						.then(Mono.empty());
				})
				.flatMap((data) -> this.upgrader.upgrade(exchange, this.settings, request, principal.orElse(null),
						data.orElse(null), subprotocol, this.dispatcher, end)))
			.doFinally((signal) -> end.run());
	}

	private Mono<Optional<Object>> connectionData(ServerWebExchange exchange, UpgradeRequest request,
			@Nullable Principal principal) {
		try {
			// Security hook: authentication required, and whatever else guards the
			// endpoint.
			this.guard.checkUpgrade(request, this.settings.path(), principal);
		}
		catch (UpgradeRejectedException ex) {
			return Mono.error(ex);
		}
		HandlerMethod onUpgrade = this.endpoint.onUpgrade();
		if (onUpgrade == null) {
			return Mono.just(Optional.empty());
		}
		Object result;
		try {
			result = onUpgrade.invoke(CallContext.upgrade(exchange, request, principal));
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
		if (result instanceof Publisher<?> publisher) {
			return Mono.from(publisher).<Optional<Object>>map(Optional::of).defaultIfEmpty(Optional.empty());
		}
		return Mono.just(Optional.ofNullable(result));
	}

	private @Nullable String subprotocol(UpgradeRequest request) {
		String selected = selectSubprotocol(request.subprotocols(), this.settings.subprotocols());
		// Security hook: echo the protocol that carried a bearer token, or browsers drop
		// the connection.
		return (selected != null) ? selected : this.guard.selectSubprotocol(request.subprotocols());
	}

	static @Nullable String selectSubprotocol(List<String> offered, List<String> accepted) {
		for (String candidate : accepted) {
			if (offered.contains(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static Mono<Void> respond(ServerWebExchange exchange, HttpStatusCode status, String body) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(buffer));
	}

}
