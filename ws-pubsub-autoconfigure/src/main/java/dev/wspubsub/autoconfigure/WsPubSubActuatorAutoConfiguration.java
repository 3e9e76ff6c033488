package dev.wspubsub.autoconfigure;

import java.util.Set;

import dev.wspubsub.WsServer;
import dev.wspubsub.internal.actuate.FanoutMeterBinder;
import dev.wspubsub.internal.actuate.RedisLinkMeterBinder;
import dev.wspubsub.internal.actuate.WsPubSubEndpoint;
import dev.wspubsub.internal.actuate.WsPubSubHealthIndicator;
import dev.wspubsub.internal.actuate.WsPubSubMeterBinder;
import dev.wspubsub.internal.actuate.WsPubSubMeters;
import dev.wspubsub.internal.actuate.WsPubSubObservations;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.internal.cluster.TopicGapRepair;
import dev.wspubsub.internal.endpoint.WsHandlerMapping;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.spi.Fanout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Observability of ws-pubsub, each part when its library is on the classpath: the
 * {@code wspubsub} Actuator endpoint, the {@code wsPubSub} health indicator, Micrometer
 * meters and an Observation around each handler call.
 */
@AutoConfiguration(after = WsPubSubAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBean(SessionRegistry.class)
public final class WsPubSubActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		WsPubSubEndpoint wsPubSubEndpoint(WsServer server, SessionRegistry sessions, TopicRegistry topics,
				Fanout fanout, WsHandlerMapping mapping) {
			return new WsPubSubEndpoint(server, sessions, topics, fanout, mapping);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "wsPubSubHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("wspubsub")
		WsPubSubHealthIndicator wsPubSubHealthIndicator(SessionRegistry sessions, Fanout fanout) {
			return new WsPubSubHealthIndicator(sessions, fanout);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WsPubSubMeters wsPubSubMeters(MeterRegistry registry) {
			return new WsPubSubMeters(registry);
		}

		@Bean
		@ConditionalOnMissingBean
		WsPubSubMeterBinder wsPubSubMeterBinder(SessionRegistry sessions, TopicRegistry topics,
				ObjectProvider<WsHandlerMapping> mapping) {
			return new WsPubSubMeterBinder(sessions, topics, () -> {
				WsHandlerMapping handlers = mapping.getIfAvailable();
				return (handlers != null) ? handlers.endpoints().keySet() : Set.of();
			});
		}

		/** The Redis link's counters, when the fan-out is Redis. */
		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(RedisFanout.class)
		RedisLinkMeterBinder wsPubSubRedisLinkMeterBinder(RedisFanout fanout) {
			return new RedisLinkMeterBinder(fanout);
		}

	}

	/**
	 * Apart, so that nothing loads the Redis fan-out's classes without Spring Data Redis.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory",
			value = MeterRegistry.class)
	@ConditionalOnBean({ MeterRegistry.class, RedisFanout.class })
	static class FanoutMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FanoutMeterBinder wsPubSubFanoutMeterBinder(RedisFanout fanout, ObjectProvider<TopicGapRepair> repair) {
			return new FanoutMeterBinder(fanout, repair.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WsPubSubObservations wsPubSubObservations(ObservationRegistry registry) {
			return new WsPubSubObservations(registry);
		}

	}

}
