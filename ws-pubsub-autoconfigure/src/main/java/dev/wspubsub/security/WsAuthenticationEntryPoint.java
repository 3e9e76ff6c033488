package dev.wspubsub.security;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;

/**
 * Refuses an upgrade without a valid token (Spring Security): 401, no WebSocket, a
 * {@code WWW-Authenticate: Bearer} challenge (RFC 6750) and a short plain-text reason
 * such as {@code Unauthorized: Missing bearer token} or
 * {@code Unauthorized: Token expired}. The token itself is never echoed or logged.
 */
public final class WsAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

	private static final String DECODE_PREFIX = "An error occurred while attempting to decode the Jwt: ";

	private static final int MAX_REASON = 100;

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		String reason = reason(ex);
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

	static String reason(AuthenticationException ex) {
		if (!(ex instanceof OAuth2AuthenticationException oauth)) {
			return "Missing bearer token";
		}
		OAuth2Error error = oauth.getError();
		String description = (error.getDescription() != null) ? error.getDescription() : ex.getMessage();
		if (description == null) {
			return "Invalid token";
		}
		if (description.startsWith(DECODE_PREFIX)) {
			description = description.substring(DECODE_PREFIX.length());
		}
		if (description.toLowerCase(Locale.ROOT).contains("expired")) {
			return "Token expired";
		}
		// Keep it short and header-safe.
		description = description.replaceAll("[\"\\\\\\r\\n]", "'");
		return (description.length() > MAX_REASON) ? description.substring(0, MAX_REASON) : description;
	}

}
