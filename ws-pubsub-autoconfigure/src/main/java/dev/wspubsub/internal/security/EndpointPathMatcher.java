package dev.wspubsub.internal.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** Whether a request is for one of the WebSocket endpoints. */
final class EndpointPathMatcher {

	private final List<PathPattern> patterns;

	EndpointPathMatcher(List<String> paths) {
		this.patterns = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
	}

	/** Whether the exchange's path (within the application) is an endpoint path. */
	boolean matches(ServerWebExchange exchange) {
		return endpointPath(exchange) != null;
	}

	/**
	 * The endpoint path the exchange asks to upgrade on, as declared; {@code null} when
	 * it is no such upgrade.
	 */
	@Nullable String upgradePath(ServerWebExchange exchange) {
		return "websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade()) ? endpointPath(exchange)
				: null;
	}

	/** The declared endpoint path the exchange's path matches, or {@code null}. */
	private @Nullable String endpointPath(ServerWebExchange exchange) {
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return pattern.getPatternString();
			}
		}
		return null;
	}

}
