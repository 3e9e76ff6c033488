package dev.wspubsub.internal.security;

import java.util.List;

import dev.wspubsub.internal.endpoint.EndpointGuard;
import org.jspecify.annotations.Nullable;

/**
 * Bearer tokens sent as WebSocket subprotocols, the only place a browser's
 * {@code new WebSocket(url, protocols)} can put one: {@code ["bearer", token]} (header
 * {@code Sec-WebSocket-Protocol: bearer, <jwt>}) or {@code ["token.<jwt>"]}. The 101 must
 * select one of the offered values, so it selects {@code bearer} or the
 * {@code token.<jwt>} entry; the token itself is never selected on its own.
 */
public final class BearerSubprotocol implements EndpointGuard {

	/** The marker protocol followed by the token. */
	public static final String BEARER = "bearer";

	/** The prefix of the protocol that carries the token itself. */
	public static final String TOKEN_PREFIX = "token.";

	/** The token in {@code offered}, or {@code null}. */
	public static @Nullable String token(List<String> offered) {
		int at = carrier(offered);
		if (at < 0) {
			return null;
		}
		String protocol = offered.get(at);
		return protocol.equalsIgnoreCase(BEARER) ? offered.get(at + 1) : protocol.substring(TOKEN_PREFIX.length());
	}

	/**
	 * Where the token's carrier stands: {@code bearer} followed by the token, or
	 * {@code token.<jwt>}; -1 if none.
	 */
	private static int carrier(List<String> offered) {
		for (int i = 0; i < offered.size(); i++) {
			String protocol = offered.get(i);
			if ((protocol.equalsIgnoreCase(BEARER) && i + 1 < offered.size())
					|| (protocol.startsWith(TOKEN_PREFIX) && protocol.length() > TOKEN_PREFIX.length())) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public @Nullable String selectSubprotocol(List<String> offered) {
		int at = carrier(offered);
		return (at >= 0) ? offered.get(at) : null;
	}

}
