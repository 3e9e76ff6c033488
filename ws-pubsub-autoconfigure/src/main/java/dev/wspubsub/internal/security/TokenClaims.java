package dev.wspubsub.internal.security;

import java.security.Principal;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/** The claims of a token principal (Spring Security), for topic rule placeholders. */
public final class TokenClaims {

	private TokenClaims() {
	}

	/** The token's attributes when the principal is a token authentication, else none. */
	public static Map<String, Object> of(Principal principal) {
		if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
			return token.getTokenAttributes();
		}
		return Map.of();
	}

	/**
	 * When the token of a token principal expires; {@code null} for another principal or
	 * a token without {@code exp}.
	 */
	public static @Nullable Instant expiresAt(Principal principal) {
		if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
			return token.getToken().getExpiresAt();
		}
		return null;
	}

}
