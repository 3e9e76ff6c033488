package dev.wspubsub.autoconfigure;

import java.util.List;

import dev.wspubsub.WsAuthenticationEntryPoint;
import dev.wspubsub.WsBearerTokenConverter;
import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.internal.security.SecuredEndpoints;
import dev.wspubsub.internal.security.TokenExpiryGuard;
import dev.wspubsub.internal.topic.PayloadEncoder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * Bearer-token authentication of WebSocket upgrades through Spring Security's reactive
 * resource server, with the {@code ReactiveJwtDecoder} of
 * {@code spring.security.oauth2.resourceserver.jwt.*} or the application's own, and the
 * token expiry of open connections.
 * <p>
 * When the application defines no {@link SecurityWebFilterChain}, two are defined: one
 * for the endpoint paths only (token from header, {@code access_token} or subprotocol;
 * endpoints that require authentication get 401 without one; a bad token always gets
 * 401), and one for every other path that keeps Spring Boot's default: everything
 * authenticated, by JWT when a decoder exists, else HTTP Basic and form login. Defining
 * any {@code SecurityWebFilterChain} turns both off: the application's chains then govern
 * (use {@link WsBearerTokenConverter} in them for the WebSocket token sources).
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		beforeName = {
				"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ EnableWebFluxSecurity.class, SecurityWebFilterChain.class, ReactiveJwtDecoder.class,
		BearerTokenAuthenticationToken.class })
@ConditionalOnProperty(prefix = "ws-pubsub", name = "enabled", havingValue = "true", matchIfMissing = true)
public final class WsPubSubResourceServerAutoConfiguration {

	@Bean
	@Order(200)
	TokenExpiryGuard wsPubSubTokenExpiryGuard(ObjectProvider<ReactiveJwtDecoder> decoder, PayloadEncoder encoder) {
		return new TokenExpiryGuard(decoder.getIfAvailable(), encoder.objectMapper());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SecurityWebFilterChain.class)
	static class WebSocketSecurityChainConfiguration {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE + 100)
		SecurityWebFilterChain wsPubSubSecurityWebFilterChain(ServerHttpSecurity http, SecuredEndpoints endpoints,
				ObjectProvider<ReactiveJwtDecoder> decoder) {
			List<String> authenticated = endpoints.authenticatedPaths();
			ReactiveJwtDecoder jwtDecoder = decoder.getIfAvailable();
			if (jwtDecoder == null && !authenticated.isEmpty()) {
				throw new WsPubSubConfigurationException(
						"The WebSocket endpoints " + authenticated + " require authentication, but there is no"
								+ " ReactiveJwtDecoder to check tokens with.",
						"Set spring.security.oauth2.resourceserver.jwt.issuer-uri (or jwk-set-uri, or public-key-location),"
								+ " define a ReactiveJwtDecoder bean, or define your own SecurityWebFilterChain.");
			}
			WsAuthenticationEntryPoint entryPoint = new WsAuthenticationEntryPoint();
			http.securityMatcher(pathsMatcher(endpoints.paths())).authorizeExchange((exchanges) -> {
				if (!authenticated.isEmpty()) {
					exchanges.pathMatchers(authenticated.toArray(String[]::new)).authenticated();
				}
				exchanges.anyExchange().permitAll();
			})
				// A WebSocket upgrade is a GET with no session: no CSRF token, no saved
				// request, no session.
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
				.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
				.logout(ServerHttpSecurity.LogoutSpec::disable)
				.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
				.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
				.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint));
			if (jwtDecoder != null) {
				http.oauth2ResourceServer((server) -> server.bearerTokenConverter(new WsBearerTokenConverter())
					.authenticationEntryPoint(entryPoint)
					.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder)));
			}
			return http.build();
		}

		/**
		 * Spring Boot's default for every other path, which defining a chain would
		 * otherwise switch off.
		 */
		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE - 100)
		SecurityWebFilterChain wsPubSubDefaultSecurityWebFilterChain(ServerHttpSecurity http,
				ObjectProvider<ReactiveJwtDecoder> decoder) {
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			ReactiveJwtDecoder jwtDecoder = decoder.getIfAvailable();
			if (jwtDecoder != null) {
				http.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder)));
			}
			else {
				http.httpBasic(Customizer.withDefaults()).formLogin(Customizer.withDefaults());
			}
			return http.build();
		}

		private static ServerWebExchangeMatcher pathsMatcher(List<String> paths) {
			if (paths.isEmpty()) {
				return (exchange) -> ServerWebExchangeMatcher.MatchResult.notMatch();
			}
			List<ServerWebExchangeMatcher> matchers = paths.stream()
				.<ServerWebExchangeMatcher>map(PathPatternParserServerWebExchangeMatcher::new)
				.toList();
			return new OrServerWebExchangeMatcher(matchers);
		}

	}

}
