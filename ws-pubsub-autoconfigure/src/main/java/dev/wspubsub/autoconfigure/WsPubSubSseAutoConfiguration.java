package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.security.TokenClaims;
import dev.wspubsub.internal.sse.SseTopicBridge;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.spi.WsMetricsListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The Server-Sent Events bridge, when {@code ws-pubsub.sse.enabled} is {@code true}:
 * {@code GET {ws-pubsub.sse.path}/{topic}} streams a topic as {@code text/event-stream};
 * on a topic with history, {@code Last-Event-ID} resumes it.
 */
@AutoConfiguration(after = WsPubSubAutoConfiguration.class)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(TopicRegistry.class)
@ConditionalOnProperty(prefix = "ws-pubsub.sse", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(WsPubSubProperties.class)
public final class WsPubSubSseAutoConfiguration {

	private static final boolean TOKEN_CLAIMS_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken",
			WsPubSubSseAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	SseTopicBridge wsPubSubSseTopicBridge(TopicRegistry topics, TopicHistory history, WsPubSubProperties properties,
			ObjectProvider<TopicAuthorizer> authorizers, ObjectProvider<WsMetricsListener> metricsListeners) {
		WsPubSubProperties.Sse sse = properties.getSse();
		return new SseTopicBridge(topics, history, sse.getPath(), sse.getHeartbeat(), sse.getRetry(),
				sse.getBufferSize(), TopicAuthorizer.allOf(authorizers.orderedStream().toList()),
				WsMetricsListener.of(metricsListeners.orderedStream().toList()),
				WsPubSubAutoConfiguration.topicLimits(properties),
				TOKEN_CLAIMS_PRESENT ? TokenClaims::expiresAt : (principal) -> null);
	}

	@Bean
	RouterFunction<ServerResponse> wsPubSubSseRoutes(SseTopicBridge wsSseTopicBridge) {
		return wsSseTopicBridge.routes();
	}

}
