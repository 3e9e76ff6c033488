package dev.wspubsub.internal.security;

import java.security.Principal;
import java.util.Map;

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

}
