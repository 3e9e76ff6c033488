package dev.wspubsub.sample.chat;

import dev.wspubsub.WsAuthenticationEntryPoint;
import dev.wspubsub.WsBearerTokenConverter;
import dev.wspubsub.spi.TopicAuthorizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Who may connect, and to which topics. Spring Security is on the classpath for the JWT
 * mode, and without a chain of its own an application gets Boot's, which puts every page
 * behind a login: so the chat declares one in both modes.
 */
@Configuration(proxyBeanMethods = false)
class ChatSecurity {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> jwtMode) {
		// No cookies and no forms: nothing for a forged cross-site request to ride on.
		// Stateless too:
		// a WebSession looked up on every upgrade would cost two thread hops and hold
		// nothing.
		http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()));
		ReactiveJwtDecoder decoder = jwtMode.getIfAvailable();
		if (decoder == null) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll()).build();
		}
		// 401 with a short reason such as "Unauthorized: Token expired", and no
		// WebSocket.
		WsAuthenticationEntryPoint entryPoint = new WsAuthenticationEntryPoint();
		// The HTTP API tells who is online and what a room said: as private as the
		// WebSocket.
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/ws", "/api/presence", "/api/rooms/*/history")
				.authenticated()
				.anyExchange()
				.permitAll())
			.oauth2ResourceServer((server) -> server
				// The token from the Authorization header, access_token, or the
				// subprotocols ["bearer", token].
				.bearerTokenConverter(new WsBearerTokenConverter())
				.authenticationEntryPoint(entryPoint)
				.jwt((jwt) -> jwt.jwtDecoder(decoder)))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
			.build();
	}

	/**
	 * Each user's inbox {@code user:<id>} is theirs alone: a connection may subscribe to
	 * its own and publish to none. Direct messages are delivered by the server
	 * ({@code server.publish}), which needs no permission.
	 */
	@Bean
	TopicAuthorizer privateInboxes() {
		return new TopicAuthorizer() {

			@Override
			public boolean canSubscribe(String topic, Client client) {
				return !topic.startsWith(ChatUser.INBOX_PREFIX)
						|| (client.data() instanceof ChatUser user && topic.equals(user.inbox()));
			}

			@Override
			public boolean canPublish(String topic, Client client) {
				return !topic.startsWith(ChatUser.INBOX_PREFIX);
			}
		};
	}

}
