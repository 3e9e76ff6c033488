package dev.wspubsub.autoconfigure;

import java.util.List;
import java.util.Map;

import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.security.AuthenticationRequirement;
import dev.wspubsub.internal.security.BearerSubprotocol;
import dev.wspubsub.internal.security.ConnectionLimitWebFilter;
import dev.wspubsub.internal.security.HandshakeTimeout;
import dev.wspubsub.internal.security.OriginCheck;
import dev.wspubsub.internal.security.OriginWebFilter;
import dev.wspubsub.internal.security.PropertyTopicAuthorizer;
import dev.wspubsub.internal.security.RateLimitGuard;
import dev.wspubsub.internal.security.SecuredEndpoints;
import dev.wspubsub.internal.security.TokenClaims;
import dev.wspubsub.internal.security.TopicRule;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.WsMetricsListener;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.HandlerMapping;

/**
 * The security of ws-pubsub that needs no Spring Security: the origin check, connection
 * caps, the handshake timeout, message rate limits, topic rules, the bearer subprotocol
 * answer and the authentication requirement of endpoints.
 * {@link WsPubSubResourceServerAutoConfiguration} adds token authentication when Spring
 * Security's resource server is present.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, HandlerMapping.class })
@ConditionalOnProperty(prefix = "ws-pubsub", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WsPubSubProperties.class)
public final class WsPubSubSecurityAutoConfiguration {

	private static final boolean TOKEN_CLAIMS_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken",
			WsPubSubSecurityAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	SecuredEndpoints wsPubSubSecuredEndpoints(ApplicationContext context, WsPubSubProperties properties) {
		List<String> authenticatedPaths = properties.getSecurity().getAuthenticatedPaths();
		SecuredEndpoints endpoints = SecuredEndpoints.scan(context, context.getEnvironment(), authenticatedPaths)
			.withPaths(WsPubSubStompAutoConfiguration.endpoints(context.getEnvironment()), authenticatedPaths);
		if (!properties.getSse().isEnabled()) {
			return endpoints;
		}
		// The SSE bridge's streams are long-lived connections too: the same origin check,
		// caps and upgrade rate.
		String path = properties.getSse().getPath();
		path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		return endpoints.withStreams(List.of((path.startsWith("/") ? path : "/" + path) + "/*"));
	}

	@Bean
	@ConditionalOnMissingBean
	OriginWebFilter wsPubSubOriginWebFilter(SecuredEndpoints endpoints, WsPubSubProperties properties) {
		return new OriginWebFilter(endpoints, new OriginCheck(properties.getAllowedOrigins()));
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionLimitWebFilter wsPubSubConnectionLimitWebFilter(SecuredEndpoints endpoints, WsPubSubProperties properties,
			ObjectProvider<WsMetricsListener> metricsListeners) {
		return new ConnectionLimitWebFilter(endpoints, properties.getMaxConnections(),
				properties.getMaxConnectionsPerIp(), properties.getMaxUpgradesPerIpPerSecond(),
				WsMetricsListener.of(metricsListeners.orderedStream().toList()));
	}

	@Bean
	@Order(0)
	EndpointGuard wsPubSubAuthenticationRequirement(SecuredEndpoints endpoints) {
		return new AuthenticationRequirement(endpoints);
	}

	@Bean
	@Order(10)
	EndpointGuard wsPubSubBearerSubprotocol() {
		return new BearerSubprotocol();
	}

	@Bean
	@Order(100)
	@ConditionalOnExpression("${ws-pubsub.rate-limit.messages-per-second:0} > 0")
	RateLimitGuard wsPubSubRateLimitGuard(WsPubSubProperties properties) {
		WsPubSubProperties.RateLimit rateLimit = properties.getRateLimit();
		int burst = (rateLimit.getBurst() > 0) ? rateLimit.getBurst()
				: (int) Math.ceil(rateLimit.getMessagesPerSecond());
		int maxExcess = (rateLimit.getMaxExcess() > 0) ? rateLimit.getMaxExcess() : 2 * burst;
		return new RateLimitGuard(rateLimit.getMessagesPerSecond(), burst, maxExcess);
	}

	@Bean
	@ConditionalOnProperty(prefix = "ws-pubsub.security.topic-rules[0]", name = "pattern")
	TopicAuthorizer wsPubSubPropertyTopicAuthorizer(WsPubSubProperties properties) {
		List<TopicRule> rules = properties.getSecurity()
			.getTopicRules()
			.stream()
			.map((rule) -> new TopicRule(rule.getPattern(), rule.isSubscribe(), rule.isPublish()))
			.toList();
		return new PropertyTopicAuthorizer(rules, TOKEN_CLAIMS_PRESENT ? TokenClaims::of : (principal) -> Map.of());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(NettyServerCustomizer.class)
	static class HandshakeTimeoutConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HandshakeTimeout wsPubSubHandshakeTimeout(WsPubSubProperties properties) {
			return new HandshakeTimeout(properties.getHandshakeTimeout());
		}

		@Bean
		NettyServerCustomizer wsPubSubHandshakeTimeoutCustomizer(HandshakeTimeout timeout) {
			return timeout::apply;
		}

	}

}
