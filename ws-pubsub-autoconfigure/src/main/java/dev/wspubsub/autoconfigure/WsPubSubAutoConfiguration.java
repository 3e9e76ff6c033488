package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsServer;
import dev.wspubsub.internal.cluster.LocalFanout;
import dev.wspubsub.internal.cluster.LocalPresenceRegistry;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import dev.wspubsub.internal.endpoint.JakartaPayloadValidator;
import dev.wspubsub.internal.endpoint.TopicMethodRegistrar;
import dev.wspubsub.internal.endpoint.WsHandlerMapping;
import dev.wspubsub.internal.history.LocalHistory;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.PublishRouter;
import dev.wspubsub.internal.topic.TopicLimits;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.internal.transport.DefaultWsServer;
import dev.wspubsub.internal.transport.DrainPolicy;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.GracefulShutdown;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.internal.transport.Upgrader;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.HistoryRules;
import dev.wspubsub.spi.PayloadValidator;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.spi.TopicAuthorizer;
import dev.wspubsub.spi.TopicHistory;
import dev.wspubsub.spi.WsMetricsListener;
import io.netty.buffer.ByteBufAllocator;
import jakarta.validation.Validator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ReactorNetty;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.HandlerMapping;

/**
 * Auto-configuration of ws-pubsub: the topic registry, the publishRouter and its fan-out,
 * the {@link WsServer}, and a handler mapping for every {@code @WsEndpoint} bean.
 * Reactive web applications on Reactor Netty only.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, HandlerMapping.class })
@ConditionalOnProperty(prefix = "ws-pubsub", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WsPubSubProperties.class)
public final class WsPubSubAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TopicRegistry wsPubSubTopicRegistry() {
		return new TopicRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	Fanout wsPubSubFanout() {
		return new LocalFanout();
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceRegistry wsPubSubPresenceRegistry() {
		return new LocalPresenceRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	HistoryRules wsPubSubHistoryRules(WsPubSubProperties properties) {
		return historyRules(properties);
	}

	/**
	 * The rules of {@code ws-pubsub.history.topics}, or a start-up failure naming the one
	 * that is wrong.
	 */
	static HistoryRules historyRules(WsPubSubProperties properties) {
		List<HistoryRule> rules = new ArrayList<>();
		List<WsPubSubProperties.HistoryTopic> topics = properties.getHistory().getTopics();
		for (int i = 0; i < topics.size(); i++) {
			WsPubSubProperties.HistoryTopic topic = topics.get(i);
			try {
				rules
					.add(new HistoryRule(topic.getPattern(), topic.getSize(), topic.getTtl(), topic.isStampPosition()));
			}
			catch (IllegalArgumentException ex) {
				throw new WsPubSubConfigurationException(
						"ws-pubsub.history.topics[" + i + "] is invalid: " + ex.getMessage() + ".",
						"Give ws-pubsub.history.topics[" + i + "] a pattern, a size of 1 or more"
								+ " and a ttl of 1ms or more.");
			}
		}
		return new HistoryRules(rules);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(TopicHistory.class)
	LocalHistory wsPubSubTopicHistory(HistoryRules rules, TopicRegistry registry, Fanout fanout,
			PayloadEncoder encoder) {
		return new LocalHistory(rules, registry, encoder.allocator(), fanout::forward);
	}

	@Bean
	@ConditionalOnMissingBean
	PublishRouter wsPubSubPublishRouter(TopicRegistry registry, Fanout fanout,
			ObjectProvider<WsMetricsListener> metricsListeners, TopicHistory history) {
		return new PublishRouter(registry, fanout, metricsListener(metricsListeners), history);
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadEncoder wsPubSubPayloadEncoder(ObjectProvider<JsonMapper> jsonMapper) {
		return new PayloadEncoder(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				ByteBufAllocator.DEFAULT);
	}

	@Bean
	@ConditionalOnMissingBean
	SessionRegistry wsPubSubSessionRegistry(ObjectProvider<WsMetricsListener> metricsListeners) {
		return new SessionRegistry(metricsListener(metricsListeners));
	}

	/**
	 * Every {@link WsMetricsListener} bean as one, or the no-op listener when there is
	 * none.
	 */
	private static WsMetricsListener metricsListener(ObjectProvider<WsMetricsListener> listeners) {
		return WsMetricsListener.of(listeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	Upgrader wsPubSubUpgrader(PublishRouter publishRouter, PayloadEncoder encoder, SessionRegistry sessions,
			ObjectProvider<TopicAuthorizer> topicAuthorizers, WsPubSubProperties properties) {
		return new Upgrader(publishRouter, encoder, sessions,
				TopicAuthorizer.allOf(topicAuthorizers.orderedStream().toList()), topicLimits(properties));
	}

	static TopicLimits topicLimits(WsPubSubProperties properties) {
		if (properties.getMaxTopicsPerConnection() < 0 || properties.getMaxTopicLength() < 0) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.max-topics-per-connection is " + properties.getMaxTopicsPerConnection()
							+ " and ws-pubsub.max-topic-length is " + properties.getMaxTopicLength() + ".",
					"Set each to a positive number, or 0 for no limit.");
		}
		return new TopicLimits(properties.getMaxTopicsPerConnection(), properties.getMaxTopicLength());
	}

	@Bean
	NodeId wsPubSubNodeId(WsPubSubProperties properties) {
		return NodeId.resolve(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	WsServer wsPubSubServer(PublishRouter publishRouter, PayloadEncoder encoder, SessionRegistry sessions,
			NodeId nodeId, PresenceRegistry presence) {
		return new DefaultWsServer(publishRouter, encoder, sessions, nodeId.value(), presence);
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = "wsPubSubBlockingScheduler")
	Scheduler wsPubSubBlockingScheduler(WsPubSubProperties properties) {
		return Schedulers.newBoundedElastic(properties.getBlocking().getMaxThreads(),
				properties.getBlocking().getQueueCapacity(), "ws-pubsub-blocking");
	}

	@Bean
	@ConditionalOnMissingBean
	WsHandlerMapping wsPubSubHandlerMapping(ApplicationContext context, WsPubSubProperties properties,
			Upgrader upgrader, SessionRegistry sessions, PayloadEncoder encoder,
			ObjectProvider<PayloadValidator> validator, ObjectProvider<ReactiveWebServerFactory> serverFactory,
			Scheduler wsBlockingScheduler, ObjectProvider<EndpointGuard> guards) {
		requireReactorNetty(serverFactory);
		Executor blocking = wsBlockingScheduler::schedule;
		return WsHandlerMapping.scan(context, defaults(properties), upgrader, sessions, encoder.objectMapper(),
				validator.getIfAvailable(), blocking, EndpointGuard.allOf(guards.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	TopicMethodRegistrar wsPubSubTopicMethodRegistrar(ApplicationContext context, WsServer server,
			TopicRegistry registry, PayloadEncoder encoder, ObjectProvider<PayloadValidator> validator) {
		return new TopicMethodRegistrar(context, server, registry, encoder.objectMapper(), validator.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	GracefulShutdown wsPubSubGracefulShutdown(SessionRegistry sessions, Environment environment,
			WsPubSubProperties properties, ApplicationContext context) {
		Duration timeout = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase", Duration.class,
				Duration.ofSeconds(30));
		WsPubSubProperties.Shutdown shutdown = properties.getShutdown();
		DrainPolicy drain;
		try {
			drain = new DrainPolicy(shutdown.getDrainDuration(), shutdown.getDrainMinBatch(),
					shutdown.getReconnectWindow());
		}
		catch (IllegalArgumentException ex) {
			throw new WsPubSubConfigurationException("ws-pubsub.shutdown.* is invalid: " + ex.getMessage() + ".",
					"Set ws-pubsub.shutdown.drain-duration and reconnect-window to zero or more, and"
							+ " drain-min-batch to 1 or more.");
		}
		return new GracefulShutdown(sessions, timeout, drain, () -> refuseTraffic(context));
	}

	/**
	 * Marks the application not ready before the drain. Closing a web application context
	 * does it already; a lifecycle stop alone does not.
	 */
	private static void refuseTraffic(ApplicationContext context) {
		ApplicationAvailability availability = context.getBeanProvider(ApplicationAvailability.class).getIfAvailable();
		if (availability == null || availability.getReadinessState() != ReadinessState.REFUSING_TRAFFIC) {
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	static EndpointSettings defaults(WsPubSubProperties properties) {
		WsPubSubProperties.PerMessageDeflate deflate = properties.getPerMessageDeflate();
		long maxPayload = properties.getMaxPayloadLength().toBytes();
		if (maxPayload <= 0 || maxPayload > Integer.MAX_VALUE) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.max-payload-length is " + properties.getMaxPayloadLength() + ".",
					"Set ws-pubsub.max-payload-length between 1B and 2GB.");
		}
		return new EndpointSettings("/", (int) maxPayload, properties.getIdleTimeout(), properties.isSendPings(),
				properties.getBackpressureLimit().toBytes(), properties.isCloseOnBackpressureLimit(),
				properties.isPublishToSelf(), new EndpointSettings.Deflate(deflate.isEnabled(),
						deflate.isServerNoContextTakeover(), deflate.isClientNoContextTakeover()),
				List.of());
	}

	private static void requireReactorNetty(ObjectProvider<ReactiveWebServerFactory> serverFactory) {
		ReactiveWebServerFactory factory = serverFactory.getIfAvailable();
		if (factory != null && !isReactorNetty(factory)) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub needs the Reactor Netty server, but the reactive web server is "
							+ factory.getClass().getName() + ".",
					"Remove the other server starter (spring-boot-starter-tomcat, -jetty or -undertow) so"
							+ " spring-boot-starter-webflux runs on Reactor Netty, or set ws-pubsub.enabled=false.");
		}
	}

	private static boolean isReactorNetty(ReactiveWebServerFactory factory) {
		String netty = "org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory";
		if (!ClassUtils.isPresent(netty, factory.getClass().getClassLoader())) {
			return false;
		}
		// instanceof, so a subclass of Boot's factory is accepted
		return ClassUtils.resolveClassName(netty, factory.getClass().getClassLoader()).isInstance(factory);
	}

	/**
	 * The server's event loops, {@code ws-pubsub.io-threads} of them, unless the JVM was
	 * started with {@code -Dreactor.netty.ioWorkerCount}: whoever set that chose
	 * Reactor's loops.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NettyServerCustomizer.class, NettyReactiveWebServerFactory.class })
	@Conditional(IoThreadsConfiguration.IoWorkerCountUnset.class)
	static class IoThreadsConfiguration {

		private static final Log logger = LogFactory.getLog(IoThreadsConfiguration.class);

		@Bean
		IoThreads wsPubSubIoThreads(WsPubSubProperties properties, Environment environment) {
			// The server has stopped (gracefully, if so configured) before these loops
			// are disposed: no
			// new work can come, so no quiet period unless the application asks for
			// Reactor's.
			Duration quietPeriod = environment.getProperty("spring.reactor.netty.shutdown-quiet-period", Duration.class,
					Duration.ZERO);
			return IoThreads.of(properties.getIoThreads(), quietPeriod);
		}

		@Bean
		NettyServerCustomizer wsPubSubIoThreadsCustomizer(IoThreads ioThreads) {
			return ioThreads::apply;
		}

		/**
		 * Boot's {@code NettyWebServer} calls {@code runOn} with its
		 * {@link ReactorResourceFactory}'s loops when it binds, after every
		 * {@link NettyServerCustomizer}: by default Reactor's global loops, which would
		 * undo {@link #wsIoThreadsCustomizer}. Taken off the server only then; an
		 * application whose factory has loops of its own
		 * ({@code useGlobalResources=false}) chose them, and keeps them. Clients
		 * (WebClient) still use the factory.
		 */
		@Bean
		WebServerFactoryCustomizer<NettyReactiveWebServerFactory> wsPubSubIoThreadsServerFactoryCustomizer(
				ObjectProvider<ReactorResourceFactory> resourceFactories) {
			return (factory) -> {
				if (resourceFactories.stream().allMatch(ReactorResourceFactory::isUseGlobalResources)) {
					factory.setResourceFactory(null);
				}
				else {
					logger.info("ws-pubsub.io-threads not applied: the server runs on the loops of the"
							+ " application's ReactorResourceFactory (useGlobalResources=false)");
				}
			};
		}

		/**
		 * Matches unless the JVM system property {@code reactor.netty.ioWorkerCount} is
		 * set.
		 */
		static final class IoWorkerCountUnset extends SpringBootCondition {

			@Override
			public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
				ConditionMessage.Builder message = ConditionMessage.forCondition("ws-pubsub.io-threads");
				// The JVM's, not the Environment's: Reactor Netty reads only the system
				// property.
				String chosen = System.getProperty(ReactorNetty.IO_WORKER_COUNT);
				return new ConditionOutcome(chosen == null, message.because("system property "
						+ ReactorNetty.IO_WORKER_COUNT + ((chosen != null) ? " is " + chosen : " is not set")));
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Validator.class)
	@ConditionalOnBean(Validator.class)
	static class ValidationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PayloadValidator wsPubSubPayloadValidator(Validator validator) {
			return new JakartaPayloadValidator(validator);
		}

	}

}
