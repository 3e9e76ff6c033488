package dev.wspubsub.internal.security;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers 403 to a request for a WebSocket endpoint from a foreign {@code Origin}, before
 * Spring Security and before any handler runs. Needs no Spring Security.
 */
public final class OriginWebFilter implements WebFilter, Ordered {

	/**
	 * Ahead of Spring Security's filter chain (-100): a foreign page costs no token
	 * check.
	 */
	public static final int ORDER = -200;

	private final EndpointPathMatcher endpoints;

	private final OriginCheck check;

	private final AtomicLong rejected = new AtomicLong();

	/**
	 * Checks requests for the paths of {@code endpoints}; other requests pass untouched.
	 */
	public OriginWebFilter(SecuredEndpoints endpoints, OriginCheck check) {
		this.endpoints = endpoints.matcher();
		this.check = check;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.endpoints.matches(exchange)) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		String scheme = request.getURI().getScheme();
		if (this.check.isAllowed(headers.getOrigin(), headers.getFirst(HttpHeaders.HOST),
				(scheme != null) ? scheme : "http")) {
			return chain.filter(exchange);
		}
		this.rejected.incrementAndGet();
		return UpgradeResponses.refuse(exchange, HttpStatus.FORBIDDEN, "Origin not allowed");
	}

	/** Upgrades refused for their origin since start. */
	public long rejected() {
		return this.rejected.get();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
