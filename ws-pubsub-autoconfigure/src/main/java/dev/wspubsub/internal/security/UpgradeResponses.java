package dev.wspubsub.internal.security;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Refuses an upgrade with a status and a short plain-text reason, as the endpoints do.
 */
final class UpgradeResponses {

	private UpgradeResponses() {
	}

	static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String reason) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(response.bufferFactory().wrap(reason.getBytes(StandardCharsets.UTF_8))));
	}

}
