package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wspubsub.Recovery;
import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.internal.cluster.LinkEvents;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.internal.cluster.RedisHistory;
import dev.wspubsub.internal.cluster.RedisPresenceRegistry;
import dev.wspubsub.internal.cluster.TopicGapRepair;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.HistoryRule;
import dev.wspubsub.spi.HistoryRules;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.spi.TopicHistory;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Redis fan-out for ws-pubsub: a {@link RedisFanout} (so the local fan-out of
 * {@link WsPubSubAutoConfiguration} backs off) and a {@link RedisPresenceRegistry}, on
 * the {@link ReactiveRedisConnectionFactory} Spring Boot builds from
 * {@code spring.data.redis.*}. Active with {@code ws-pubsub.fanout.redis.enabled=true}.
 * With {@code spring.data.redis.cluster.nodes} set, the same beans run on the Redis
 * Cluster with sharded pub/sub, through the cluster client that factory built; with
 * {@code spring.data.redis.masterreplica.nodes}, on the master of that static setup.
 */
@AutoConfiguration(before = WsPubSubAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, ReactiveRedisConnectionFactory.class })
@ConditionalOnBooleanProperty(name = "ws-pubsub.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("ws-pubsub.fanout.redis.enabled")
@EnableConfigurationProperties(WsPubSubProperties.class)
public final class WsPubSubRedisAutoConfiguration {

	/**
	 * How long a gap may wait for its publications to arrive on their own before the
	 * stream is read: a reply and an echo on two connections may cross.
	 */
	private static final Duration GAP_GRACE = Duration.ofMillis(100);

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean(Fanout.class)
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	RedisFanout wsPubSubFanout(ReactiveRedisConnectionFactory connectionFactory, TopicRegistry registry,
			PayloadEncoder encoder, WsPubSubProperties properties, NodeId nodeId, ApplicationEventPublisher events,
			ObjectProvider<RedisStaticMasterReplicaConfiguration> masterReplica,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails) {
		WsPubSubProperties.Redis redis = properties.getFanout().getRedis();
		if (redis.getPublishBuffer() < 1) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.fanout.redis.publish-buffer is " + redis.getPublishBuffer() + ".",
					"Set ws-pubsub.fanout.redis.publish-buffer to 1 or more.");
		}
		if (redis.getProbeInterval().toMillis() < 10) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.fanout.redis.probe-interval is " + redis.getProbeInterval() + ".",
					"Set ws-pubsub.fanout.redis.probe-interval to 10ms or more.");
		}
		if (RedisFanout.isCluster(connectionFactory)
				&& (redis.getChannelPrefix().contains("{") || redis.getChannelPrefix().contains("}"))) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.fanout.redis.channel-prefix is '" + redis.getChannelPrefix()
							+ "', whose braces would become the Redis Cluster hash tag of every topic.",
					"Remove '{' and '}' from ws-pubsub.fanout.redis.channel-prefix.");
		}
		List<RedisURI> masterReplicaNodes = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? MasterReplicaNodeUris.of(lettuce, masterReplica, connectionDetails) : List.of();
		RedisFanout fanout = new RedisFanout(connectionFactory, masterReplicaNodes, registry, encoder.allocator(),
				new RedisFanout.Settings(nodeId.value(), redis.getChannelPrefix(), redis.getPublishBuffer(),
						redis.getProbeInterval(), redis.isBatchPublishes()));
		LinkEvents.publish(fanout, events);
		return fanout;
	}

	@Bean
	@ConditionalOnBean(RedisFanout.class)
	RedisFanoutLifecycle wsPubSubFanoutLifecycle(RedisFanout fanout, ReactiveRedisConnectionFactory connectionFactory,
			WsPubSubProperties properties) {
		Duration startupWait = properties.getFanout().getRedis().getStartupWait();
		if (startupWait.isNegative()) {
			throw new WsPubSubConfigurationException("ws-pubsub.fanout.redis.startup-wait is " + startupWait + ".",
					"Set ws-pubsub.fanout.redis.startup-wait to zero (do not wait) or more.");
		}
		return new RedisFanoutLifecycle(fanout, startupWait, fanout.closesBeforeConnectionFactory(),
				(connectionFactory instanceof LettuceConnectionFactory lettuce) ? new LettuceBoundedStop(lettuce)
						: null);
	}

	/**
	 * Positions cluster-wide: the histories live in Redis beside the fan-out's channels.
	 */
	@Bean
	@ConditionalOnMissingBean(TopicHistory.class)
	@ConditionalOnBean(RedisFanout.class)
	RedisHistory wsPubSubTopicHistory(HistoryRules rules, RedisFanout fanout, TopicRegistry registry,
			PayloadEncoder encoder, WsPubSubProperties properties) {
		WsPubSubProperties.Redis redis = properties.getFanout().getRedis();
		return new RedisHistory(rules, fanout, registry, encoder.allocator(), redis.getCommandTimeout());
	}

	/**
	 * Delivers history topics in stream order on this node and repairs the gaps an outage
	 * leaves, or resets the topic.
	 */
	@Bean
	@ConditionalOnBean(RedisHistory.class)
	TopicGapRepair wsPubSubTopicGapRepair(RedisHistory history, RedisFanout fanout, HistoryRules rules,
			TopicRegistry registry, PayloadEncoder encoder) {
		TopicGapRepair repair = new TopicGapRepair(registry, (topic, since) -> {
			HistoryRule rule = rules.ruleFor(topic);
			return (rule != null) ? history.read(topic, rule, since, 0)
					: CompletableFuture.completedFuture(Recovery.unavailable());
		}, encoder, GAP_GRACE);
		history.repairGaps(repair);
		repair.listenTo(fanout);
		registry.addSubscriptionListener(repair);
		return repair;
	}

	/**
	 * Presence over the fan-out's link; without a {@link RedisFanout} (the application
	 * has a fan-out of its own) presence stays in memory on each node.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(PresenceRegistry.class)
	@ConditionalOnBean(RedisFanout.class)
	RedisPresenceRegistry wsPubSubPresenceRegistry(RedisFanout fanout, WsPubSubProperties properties) {
		WsPubSubProperties.Redis redis = properties.getFanout().getRedis();
		if (redis.getPresenceTtl().toMillis() < 3) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.fanout.redis.presence-ttl is " + redis.getPresenceTtl() + ".",
					"Set ws-pubsub.fanout.redis.presence-ttl to a few seconds or more.");
		}
		if (redis.getCommandTimeout().toMillis() < 1) {
			throw new WsPubSubConfigurationException(
					"ws-pubsub.fanout.redis.command-timeout is " + redis.getCommandTimeout() + ".",
					"Set ws-pubsub.fanout.redis.command-timeout to 1ms or more; about a second suits most.");
		}
		return new RedisPresenceRegistry(fanout, redis.getPresenceTtl(), redis.getCommandTimeout());
	}

	@Bean
	@ConditionalOnBean(RedisPresenceRegistry.class)
	RedisPresenceLifecycle wsPubSubPresenceLifecycle(RedisPresenceRegistry presence) {
		return new RedisPresenceLifecycle(presence);
	}

	/**
	 * Caps Lettuce's reconnection back-off (30 s by default), so a node finds Redis again
	 * within seconds of its return, and makes Lettuce fail commands at once while it is
	 * disconnected instead of queueing them without bound until Redis returns (a queued
	 * command holds up the connection that waits for it). Lettuce keeps reconnecting and
	 * resubscribing either way. Applies only to the client Boot creates, whose resources
	 * it also shuts down with a quiet period ({@link LettuceQuietShutdown}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientResources.class, ClientResourcesBuilderCustomizer.class })
	static class LettuceReconnectConfiguration {

		static final int DEFAULT_REFRESH_PERIOD_SECONDS = 10;

		@Bean
		ClientResourcesBuilderCustomizer wsPubSubReconnectDelayCustomizer(WsPubSubProperties properties) {
			Duration max = properties.getFanout().getRedis().getMaxReconnectDelay();
			return (builder) -> builder
				.reconnectDelay(() -> Delay.exponential(Duration.ofMillis(10), max, 2, TimeUnit.MILLISECONDS));
		}

		@Bean
		LettuceClientOptionsBuilderCustomizer wsPubSubRejectWhileDisconnectedCustomizer() {
			return (builder) -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		}

		/**
		 * On a Redis Cluster, Lettuce's topology refresh both periodic (Boot's
		 * {@code spring.data.redis.lettuce.cluster.refresh.period}, else every
		 * {@value #DEFAULT_REFRESH_PERIOD_SECONDS} s) and adaptive (on MOVED and ASK
		 * redirections, persistent reconnects, unknown nodes and uncovered slots, at most
		 * once a second), so a replica promoted after its master failed is found within
		 * seconds and the fan-out's channels follow their slots.
		 */
		@Bean
		LettuceClientOptionsBuilderCustomizer wsPubSubClusterTopologyRefreshCustomizer(
				ObjectProvider<DataRedisProperties> redisProperties) {
			return (builder) -> {
				if (builder instanceof ClusterClientOptions.Builder cluster) {
					DataRedisProperties properties = redisProperties.getIfAvailable(DataRedisProperties::new);
					DataRedisProperties.Lettuce.Cluster.Refresh refresh = properties.getLettuce()
						.getCluster()
						.getRefresh();
					Duration period = refresh.getPeriod();
					cluster.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.dynamicRefreshSources(refresh.isDynamicRefreshSources())
						.enablePeriodicRefresh(
								(period != null) ? period : Duration.ofSeconds(DEFAULT_REFRESH_PERIOD_SECONDS))
						.enableAllAdaptiveRefreshTriggers()
						.adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
						.build());
				}
			};
		}

		@Bean
		static LettuceQuietShutdown wsPubSubLettuceQuietShutdown() {
			return new LettuceQuietShutdown();
		}

	}

}
