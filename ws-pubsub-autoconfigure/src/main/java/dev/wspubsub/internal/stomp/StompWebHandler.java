package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.endpoint.DefaultUpgradeRequest;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.OpeningHandshake;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.internal.transport.Upgrader;
import dev.wspubsub.spi.WsMetricsListener;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Upgrades requests to one STOMP endpoint, on the same path as every ws-pubsub endpoint:
 * after the web filters (origin check, connection caps, Spring Security's bearer token),
 * the guards' upgrade check, then the 101 with the STOMP subprotocol the client offered.
 */
final class StompWebHandler implements WebHandler {

	/** In order of preference: the newest version first. */
	static final List<String> SUBPROTOCOLS = List.of("v12.stomp", "v11.stomp", "v10.stomp");

	private final EndpointSettings settings;

	private final StompConnectionHandler handler;

	private final Upgrader upgrader;

	private final SessionRegistry sessions;

	private final EndpointGuard guard;

	StompWebHandler(EndpointSettings settings, StompConnectionHandler handler, Upgrader upgrader,
			SessionRegistry sessions, EndpointGuard guard) {
		this.settings = settings;
		this.handler = handler;
		this.upgrader = upgrader;
		this.sessions = sessions;
		this.guard = guard;
	}

	EndpointSettings settings() {
		return this.settings;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		String path = this.settings.path();
		WsMetricsListener metrics = this.sessions.metrics();
		OpeningHandshake.Rejection rejection = OpeningHandshake.check(exchange.getRequest(), path);
		if (rejection != null) {
			metrics.upgradeRejected(path, rejection.metricsReason());
			rejection.headers().forEach(exchange.getResponse().getHeaders()::set);
			return respond(exchange, HttpStatusCode.valueOf(rejection.status()), rejection.message());
		}
		if (!Upgrader.isReactorNetty(exchange)) {
			return Mono.error(new IllegalStateException("ws-pubsub needs Reactor Netty, but this request is served by "
					+ exchange.getResponse().getClass().getName()));
		}
		if (!this.sessions.isAccepting()) {
			metrics.upgradeRejected(path, WsMetricsListener.REJECTED_SHUTTING_DOWN);
			return respond(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Server is shutting down");
		}
		UpgradeRequest request = new DefaultUpgradeRequest(exchange.getRequest());
		String subprotocol = subprotocol(request.subprotocols());
		this.sessions.upgradeStarted(path);
		AtomicBoolean ended = new AtomicBoolean();
		Runnable end = () -> {
			if (ended.compareAndSet(false, true)) {
				this.sessions.upgradeEnded(path);
			}
		};
		return exchange.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((principal) -> {
			try {
				this.guard.checkUpgrade(request, path, principal.orElse(null));
			}
			catch (UpgradeRejectedException rejected) {
				end.run();
				metrics.upgradeRejected(path, WsMetricsListener.REJECTED_BY_APPLICATION);
				return respond(exchange, HttpStatusCode.valueOf(rejected.status()), rejected.reason());
			}
			Principal user = principal.orElse(null);
			return this.upgrader.upgrade(exchange, this.settings, request, user, null, subprotocol, this.handler, end);
		}).doFinally((signal) -> end.run());
	}

	private @Nullable String subprotocol(List<String> offered) {
		for (String candidate : SUBPROTOCOLS) {
			if (offered.contains(candidate)) {
				return candidate;
			}
		}
		// A client that sent its bearer token as a subprotocol must see one echoed.
		return this.guard.selectSubprotocol(offered);
	}

	private static Mono<Void> respond(ServerWebExchange exchange, HttpStatusCode status, String body) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(buffer));
	}

}
