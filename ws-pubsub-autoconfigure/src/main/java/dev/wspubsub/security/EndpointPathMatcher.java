package dev.wspubsub.security;

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
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/** Whether the exchange asks for a WebSocket upgrade on an endpoint path. */
	boolean matchesUpgrade(ServerWebExchange exchange) {
		return upgradePath(exchange) != null;
	}

	/** The endpoint path the exchange asks to upgrade on, as declared; {@code null} when it is no such upgrade. */
	@Nullable String upgradePath(ServerWebExchange exchange) {
		if (!"websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			return null;
		}
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return pattern.getPatternString();
			}
		}
		return null;
	}
}
