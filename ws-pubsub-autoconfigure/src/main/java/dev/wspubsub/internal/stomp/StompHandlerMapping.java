package dev.wspubsub.internal.stomp;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.internal.transport.Upgrader;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Maps each path of {@code ws-pubsub.stomp.endpoints} to its STOMP upgrade, ahead of the
 * application's controllers, so the upgrade goes through the regular WebFlux chain and
 * its filters.
 */
public final class StompHandlerMapping extends AbstractHandlerMapping {

	private final Map<PathPattern, StompWebHandler> handlers = new LinkedHashMap<>();

	/**
	 * @param application where frames to application destinations go, or {@code null}
	 * when spring-messaging is absent
	 * @param defaults the {@code ws-pubsub.*} settings every endpoint starts from
	 */
	public StompHandlerMapping(StompBroker broker, @Nullable SpringStompMessaging application,
			EndpointSettings defaults, Upgrader upgrader, SessionRegistry sessions, EndpointGuard guard,
			String serverName) {
		StompSettings settings = broker.settings();
		StompCommands commands = new StompCommands(settings, broker.writer(), application, serverName);
		StompConnectionHandler handler = new StompConnectionHandler(commands, broker.writer(), broker.sessions(),
				settings);
		for (String path : settings.endpoints()) {
			// STOMP's own semantics: a client subscribed to what it sends receives it
			// too.
			EndpointSettings endpoint = new EndpointSettings(path, defaults.maxPayloadLength(), defaults.idleTimeout(),
					defaults.sendPings(), defaults.backpressureLimit(), defaults.closeOnBackpressureLimit(), true,
					defaults.deflate(), StompWebHandler.SUBPROTOCOLS);
			this.handlers.put(PathPatternParser.defaultInstance.parse(path),
					new StompWebHandler(endpoint, handler, upgrader, sessions, guard));
		}
		setOrder(Ordered.HIGHEST_PRECEDENCE + 101);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (Map.Entry<PathPattern, StompWebHandler> entry : this.handlers.entrySet()) {
			if (entry.getKey().matches(path)) {
				return Mono.just(entry.getValue());
			}
		}
		return Mono.empty();
	}

	/** The effective settings of each STOMP endpoint, by path. */
	public Map<String, EndpointSettings> endpoints() {
		Map<String, EndpointSettings> endpoints = new LinkedHashMap<>();
		this.handlers.values().forEach((handler) -> endpoints.put(handler.settings().path(), handler.settings()));
		return endpoints;
	}

}
