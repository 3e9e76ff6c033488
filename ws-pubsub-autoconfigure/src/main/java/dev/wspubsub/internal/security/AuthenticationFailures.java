package dev.wspubsub.internal.security;

import java.util.Locale;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The short reason a refused upgrade gets, for the 401 body, its challenge header and the
 * close reason of an expired token: never the token itself.
 */
public final class AuthenticationFailures {

	private static final String DECODE_PREFIX = "An error occurred while attempting to decode the Jwt: ";

	private static final int MAX_REASON = 100;

	private AuthenticationFailures() {
	}

	public static String reason(AuthenticationException ex) {
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
