package dev.wspubsub.internal.security;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Whether a request is for one of the WebSocket endpoints, or opens one of the event
 * streams of the SSE bridge, which are long-lived connections guarded as upgrades are.
 */
final class EndpointPathMatcher {

	private final List<PathPattern> patterns;

	private final List<PathPattern> streams;

	EndpointPathMatcher(List<String> paths, List<String> streams) {
		this.patterns = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.streams = streams.stream().map(PathPatternParser.defaultInstance::parse).toList();
	}

	/**
	 * Whether the exchange's path (within the application) is an endpoint path or a
	 * stream path.
	 */
	boolean matches(ServerWebExchange exchange) {
		return match(this.patterns, exchange) != null || match(this.streams, exchange) != null;
	}

	/**
	 * The endpoint path the exchange asks to upgrade on, or the stream path pattern it
	 * opens a stream on, as declared; {@code null} when it is neither.
	 */
	@Nullable String upgradePath(ServerWebExchange exchange) {
		if ("websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			return match(this.patterns, exchange);
		}
		return HttpMethod.GET.equals(exchange.getRequest().getMethod()) ? match(this.streams, exchange) : null;
	}

	/**
	 * The declared path of {@code patterns} the exchange's path matches, or {@code null}.
	 */
	private static @Nullable String match(List<PathPattern> patterns, ServerWebExchange exchange) {
		if (patterns.isEmpty()) {
			return null;
		}
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : patterns) {
			if (pattern.matches(path)) {
				return pattern.getPatternString();
			}
		}
		return null;
	}

}
