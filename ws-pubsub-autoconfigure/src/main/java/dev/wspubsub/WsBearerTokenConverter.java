package dev.wspubsub;

import dev.wspubsub.internal.security.BearerSubprotocol;
import dev.wspubsub.internal.transport.Subprotocols;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Finds the bearer token of a WebSocket upgrade (Spring Security): the
 * {@code Authorization: Bearer} header, the {@code access_token} query parameter
 * (browsers cannot set headers on a WebSocket), or the {@code Sec-WebSocket-Protocol}
 * header as {@code bearer, <jwt>} or {@code token.<jwt>}. More than one is refused, as
 * Spring Security refuses a header and a query parameter together. Use it in an
 * application's own chain:
 *
 * <pre class="code">
 * http.oauth2ResourceServer((server) -&gt; server
 *     .bearerTokenConverter(new WsBearerTokenConverter())
 *     .jwt(Customizer.withDefaults()));
 * </pre>
 */
public final class WsBearerTokenConverter implements ServerAuthenticationConverter {

	private final ServerBearerTokenAuthenticationConverter headerOrQuery = new ServerBearerTokenAuthenticationConverter();

	public WsBearerTokenConverter() {
		this.headerOrQuery.setAllowUriQueryParameter(true);
	}

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		String fromProtocol = BearerSubprotocol
			.token(Subprotocols.parse(exchange.getRequest().getHeaders().getOrEmpty(Subprotocols.HEADER)));
		Mono<Authentication> headerOrQuery = this.headerOrQuery.convert(exchange);
		if (fromProtocol == null) {
			return headerOrQuery;
		}
		return headerOrQuery
			.<Authentication>flatMap((other) -> Mono.error(new OAuth2AuthenticationException(
					BearerTokenErrors.invalidRequest("Found multiple bearer tokens in the request"))))
			.switchIfEmpty(Mono.fromSupplier(() -> new BearerTokenAuthenticationToken(fromProtocol)));
	}

}
