package dev.wspubsub.autoconfigure;

import java.util.List;
import java.util.concurrent.Executor;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsServer;
import dev.wspubsub.internal.dispatch.HandlerInvoker;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.stomp.SpringStompMessaging;
import dev.wspubsub.internal.stomp.StompBroker;
import dev.wspubsub.internal.stomp.StompHandlerMapping;
import dev.wspubsub.internal.stomp.StompSettings;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.internal.transport.Upgrader;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.annotation.support.SimpAnnotationMethodMessageHandler;
import org.springframework.validation.Validator;
import org.springframework.web.reactive.HandlerMapping;

/**
 * STOMP 1.0-1.2 over WebSocket on ws-pubsub's topics, once
 * {@code ws-pubsub.stomp.endpoints} names a path. With spring-messaging on the class
 * path, application destinations go to the {@code @MessageMapping} methods of
 * {@code @Controller} beans and a {@link SimpMessagingTemplate} publishes to topics.
 */
@AutoConfiguration(after = { WsPubSubAutoConfiguration.class, WsPubSubSecurityAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, HandlerMapping.class })
@ConditionalOnProperty(prefix = "ws-pubsub", name = "enabled", havingValue = "true", matchIfMissing = true)
@Conditional(WsPubSubStompAutoConfiguration.EndpointsSet.class)
@EnableConfigurationProperties({ WsPubSubProperties.class, WsPubSubStompProperties.class })
public final class WsPubSubStompAutoConfiguration {

	/** The server header of CONNECTED frames. */
	private static final String SERVER_NAME = "ws-pubsub";

	/** The paths of {@code ws-pubsub.stomp.endpoints}, bound as the properties are. */
	static List<String> endpoints(Environment environment) {
		return Binder.get(environment)
			.bind("ws-pubsub.stomp.endpoints", Bindable.listOf(String.class))
			.orElse(List.of());
	}

	@Bean
	@ConditionalOnMissingBean
	StompBroker wsPubSubStompBroker(WsPubSubStompProperties stomp, WsPubSubProperties properties,
			PayloadEncoder encoder) {
		return new StompBroker(settings(stomp, properties), encoder.allocator());
	}

	static StompSettings settings(WsPubSubStompProperties stomp, WsPubSubProperties properties) {
		for (String path : stomp.getEndpoints()) {
			if (!path.startsWith("/")) {
				throw new WsPubSubConfigurationException("ws-pubsub.stomp.endpoints has '" + path + "'.",
						"Start every STOMP endpoint path with '/', as in /gs-guide-websocket.");
			}
		}
		if (stomp.getMaxSubscriptionsPerConnection() <= 0) {
			throw new WsPubSubConfigurationException("ws-pubsub.stomp.max-subscriptions-per-connection is "
					+ stomp.getMaxSubscriptionsPerConnection() + ".",
					"Set ws-pubsub.stomp.max-subscriptions-per-connection to 1 or more.");
		}
		WsPubSubProperties.RateLimit rateLimit = properties.getRateLimit();
		int burst = (rateLimit.getBurst() > 0) ? rateLimit.getBurst()
				: (int) Math.ceil(rateLimit.getMessagesPerSecond());
		return new StompSettings(stomp.getEndpoints(), stomp.getApplicationDestinationPrefixes(),
				stomp.getBrokerDestinationPrefixes(), stomp.getUserDestinationPrefix(), stomp.getHeartbeatSend(),
				stomp.getHeartbeatReceive(), stomp.getMaxSubscriptionsPerConnection(), rateLimit.getMessagesPerSecond(),
				burst);
	}

	@Bean
	@ConditionalOnMissingBean
	StompHandlerMapping wsPubSubStompHandlerMapping(StompBroker broker, ObjectProvider<SpringStompMessaging> messaging,
			WsPubSubProperties properties, Upgrader upgrader, SessionRegistry sessions,
			ObjectProvider<EndpointGuard> guards) {
		return new StompHandlerMapping(broker, messaging.getIfAvailable(),
				WsPubSubAutoConfiguration.defaults(properties), upgrader, sessions,
				EndpointGuard.allOf(guards.orderedStream().toList()), SERVER_NAME);
	}

	/** Spring's messaging annotations on the application destinations. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SimpAnnotationMethodMessageHandler.class)
	static class MessagingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SpringStompMessaging wsPubSubStompMessaging(StompBroker broker, WsServer server, ApplicationContext context,
				ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<Validator> validator,
				Scheduler wsBlockingScheduler, SessionRegistry sessions) {
			Executor executor = wsBlockingScheduler::schedule;
			return new SpringStompMessaging(broker, server, context,
					jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), validator.getIfUnique(),
					new HandlerInvoker(executor, sessions.metrics()));
		}

		@Bean
		@ConditionalOnMissingBean
		SimpMessagingTemplate wsPubSubStompMessagingTemplate(SpringStompMessaging messaging) {
			return messaging.template();
		}

	}

	/** Matches when {@code ws-pubsub.stomp.endpoints} names at least one path. */
	static final class EndpointsSet extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			List<String> endpoints = endpoints(context.getEnvironment());
			ConditionMessage.Builder message = ConditionMessage.forCondition("ws-pubsub.stomp.endpoints");
			return new ConditionOutcome(!endpoints.isEmpty(),
					endpoints.isEmpty() ? message.because("no path is set") : message.because("set to " + endpoints));
		}

	}

}
