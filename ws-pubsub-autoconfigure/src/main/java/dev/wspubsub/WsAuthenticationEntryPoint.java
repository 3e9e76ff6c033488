package dev.wspubsub;

import java.nio.charset.StandardCharsets;

import dev.wspubsub.internal.security.AuthenticationFailures;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;

/**
 * Refuses an upgrade without a valid token (Spring Security): 401, no WebSocket, a
 * {@code WWW-Authenticate: Bearer} challenge (RFC 6750) and a short plain-text reason
 * such as {@code Unauthorized: Missing bearer token} or
 * {@code Unauthorized: Token expired}. The token itself is never echoed or logged.
 */
public final class WsAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		String reason = AuthenticationFailures.reason(ex);
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.UNAUTHORIZED);
		String error = (ex instanceof OAuth2AuthenticationException oauth) ? oauth.getError().getErrorCode() : null;
		response.getHeaders()
			.set(HttpHeaders.WWW_AUTHENTICATE, (error != null)
					? "Bearer error=\"" + error + "\", error_description=\"" + reason + "\"" : "Bearer");
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		byte[] body = ("Unauthorized: " + reason).getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

}
