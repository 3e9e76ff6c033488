package dev.wspubsub.internal.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.web.cors.CorsConfiguration;

/**
 * Decides whether a browser page at an {@code Origin} may open a WebSocket here, against
 * cross-site WebSocket hijacking: browsers send cookies with cross-site upgrades and the
 * same-origin policy does not apply to WebSockets, so the server must check.
 * <ul>
 * <li>no {@code Origin} header: not a browser, allowed (authenticate such clients with a
 * token);</li>
 * <li>the request's own origin (Origin host and port equal {@code Host}'s): allowed;</li>
 * <li>otherwise allowed only when it matches {@code ws-pubsub.allowed-origins}, whose
 * entries are origins or patterns such as {@code https://*.example.com}; {@code *} allows
 * any, and must be set explicitly.</li>
 * </ul>
 */
public final class OriginCheck {

	private final @Nullable CorsConfiguration allowed;

	public OriginCheck(List<String> allowedOrigins) {
		if (allowedOrigins.isEmpty()) {
			this.allowed = null;
		}
		else {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.setAllowedOriginPatterns(allowedOrigins);
			this.allowed = configuration;
		}
	}

	/**
	 * Whether the upgrade may proceed.
	 * @param origin the {@code Origin} header, or {@code null}
	 * @param host the {@code Host} header, or {@code null}
	 * @param scheme the request's scheme, {@code http} or {@code https}
	 */
	public boolean isAllowed(@Nullable String origin, @Nullable String host, String scheme) {
		if (origin == null) {
			return true;
		}
		if (host != null && sameOrigin(origin, host, scheme)) {
			return true;
		}
		return this.allowed != null && this.allowed.checkOrigin(origin) != null;
	}

	private static boolean sameOrigin(String origin, String host, String scheme) {
		URI originUri;
		URI hostUri;
		try {
			originUri = URI.create(origin.trim());
			hostUri = URI.create(scheme + "://" + host.trim());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		String originHost = originUri.getHost();
		String requestHost = hostUri.getHost();
		if (originHost == null || requestHost == null || originUri.getScheme() == null) {
			return false;
		}
		return originHost.toLowerCase(Locale.ROOT).equals(requestHost.toLowerCase(Locale.ROOT))
				&& port(originUri) == port(hostUri);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		return (scheme.equals("https") || scheme.equals("wss")) ? 443 : 80;
	}

}
