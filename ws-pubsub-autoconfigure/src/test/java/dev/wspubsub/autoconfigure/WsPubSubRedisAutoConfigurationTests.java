package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsServer;
import dev.wspubsub.internal.cluster.LocalFanout;
import dev.wspubsub.internal.cluster.LocalPresenceRegistry;
import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.internal.cluster.RedisPresenceRegistry;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.PresenceRegistry;
import dev.wspubsub.testapp.ExpectedLog;
import ch.qos.logback.classic.Level;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

class WsPubSubRedisAutoConfigurationTests {

	// No Redis listens there: the fan-out must start anyway, and report itself down; at
	// once, not after waiting for a first connection that cannot come.
	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class,
						WsPubSubRedisAutoConfiguration.class, WsPubSubAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "ws-pubsub.fanout.redis.startup-wait=0");

	@Test
	void withoutThePropertyTheFanoutStaysLocal() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Fanout.class);
			assertThat(context.getBean(Fanout.class)).isInstanceOf(LocalFanout.class);
			assertThat(context.getBean(PresenceRegistry.class)).isInstanceOf(LocalPresenceRegistry.class);
			assertThat(context).doesNotHaveBean(RedisFanout.class);
			assertThat(context).doesNotHaveBean(ClientResourcesBuilderCustomizer.class);
			assertThat(context).doesNotHaveBean(LettuceQuietShutdown.class);
		});
	}

	@Test
	void withThePropertyAndAConnectionFactoryTheFanoutGoesThroughRedis() {
		this.runner.withPropertyValues("ws-pubsub.fanout.redis.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(Fanout.class);
			RedisFanout fanout = context.getBean(RedisFanout.class);
			assertThat(fanout.mode()).isEqualTo("redis");
			assertThat(fanout.isUp()).isFalse();
			assertThat(context.getBean(PresenceRegistry.class)).isInstanceOf(RedisPresenceRegistry.class);
			assertThat(context.getBean(WsServer.class).nodeId()).isEqualTo(fanout.nodeId()).hasSize(8);
			assertThat(context).hasSingleBean(ClientResourcesBuilderCustomizer.class);
			assertThat(context).hasSingleBean(LettuceQuietShutdown.class);
			// The random id is a bean of its own; the bound properties stay as the user
			// left them.
			assertThat(context.getBean(WsPubSubProperties.class).getFanout().getRedis().getNodeId()).isNull();
		});
	}

	@Test
	void withSpringBootsClusterPropertiesTheFanoutRunsOnTheClusterWithTopologyRefreshOn() {
		// No cluster listens there: the fan-out starts anyway and reports itself down.
		// Lettuce's complaints of the address nobody listens on: expected, not printed.
		try (ExpectedLog unreachable = ExpectedLog.redisOutage()) {
			this.runner
				.withPropertyValues("ws-pubsub.fanout.redis.enabled=true",
						"spring.data.redis.cluster.nodes=127.0.0.1:1")
				.run((context) -> {
					RedisFanout fanout = context.getBean(RedisFanout.class);
					assertThat(fanout.mode()).isEqualTo("redis-cluster");
					assertThat(fanout.isUp()).isFalse();
					ClientOptions options = context.getBean(LettuceConnectionFactory.class)
						.getClientConfiguration()
						.getClientOptions()
						.orElseThrow();
					assertThat(options).isInstanceOf(ClusterClientOptions.class);
					ClusterTopologyRefreshOptions refresh = ((ClusterClientOptions) options)
						.getTopologyRefreshOptions();
					assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
					assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(10));
					assertThat(refresh.getAdaptiveRefreshTriggers()).isNotEmpty();
					assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofSeconds(1));
				});
		}
	}

	@Test
	void onAClusterBootsRefreshPeriodIsKept() {
		// Lettuce's complaints of the address nobody listens on: expected, not printed.
		try (ExpectedLog unreachable = ExpectedLog.redisOutage()) {
			this.runner
				.withPropertyValues("ws-pubsub.fanout.redis.enabled=true",
						"spring.data.redis.cluster.nodes=127.0.0.1:1",
						"spring.data.redis.lettuce.cluster.refresh.period=3s")
				.run((context) -> {
					ClusterClientOptions options = (ClusterClientOptions) context
						.getBean(LettuceConnectionFactory.class)
						.getClientConfiguration()
						.getClientOptions()
						.orElseThrow();
					assertThat(options.getTopologyRefreshOptions().getRefreshPeriod()).isEqualTo(Duration.ofSeconds(3));
				});
		}
	}

	@Test
	void onAClusterAChannelPrefixWithBracesFailsAtStartUpNamingTheProperty() {
		ExpectedLog
			.startupFailure(() -> this.runner
				.withPropertyValues("ws-pubsub.fanout.redis.enabled=true",
						"spring.data.redis.cluster.nodes=127.0.0.1:1", "ws-pubsub.fanout.redis.channel-prefix=app{1}:")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(WsPubSubConfigurationException.class)
						.hasMessageContaining("ws-pubsub.fanout.redis.channel-prefix");
				}));
	}

	@Test
	void aConfiguredNodeIdNamesTheServerAndTheFanout() {
		this.runner.withPropertyValues("ws-pubsub.fanout.redis.enabled=true", "ws-pubsub.fanout.redis.node-id=node-7")
			.run((context) -> {
				assertThat(context.getBean(RedisFanout.class).nodeId()).isEqualTo("node-7");
				assertThat(context.getBean(WsServer.class).nodeId()).isEqualTo("node-7");
			});
	}

	@Test
	void withThePropertyButNoConnectionFactoryTheFanoutStaysLocal() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WsPubSubRedisAutoConfiguration.class, WsPubSubAutoConfiguration.class))
			.withPropertyValues("ws-pubsub.fanout.redis.enabled=true")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ReactiveRedisConnectionFactory.class);
				assertThat(context.getBean(Fanout.class)).isInstanceOf(LocalFanout.class);
				assertThat(context.getBean(PresenceRegistry.class)).isInstanceOf(LocalPresenceRegistry.class);
			});
	}

	@Test
	void withoutSpringDataRedisTheFanoutStaysLocal() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WsPubSubRedisAutoConfiguration.class, WsPubSubAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(ReactiveRedisConnectionFactory.class))
			.withPropertyValues("ws-pubsub.fanout.redis.enabled=true")
			.run((context) -> assertThat(context.getBean(Fanout.class)).isInstanceOf(LocalFanout.class));
	}

	@Test
	void aFanoutOfTheApplicationsOwnWinsOverRedisAndPresenceStaysInMemory() {
		this.runner.withPropertyValues("ws-pubsub.fanout.redis.enabled=true")
			.withBean("myFanout", Fanout.class, LocalFanout::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(Fanout.class);
				assertThat(context).doesNotHaveBean(RedisFanout.class);
				// Presence in Redis goes over the Redis fan-out's link: without it, in
				// memory.
				PresenceRegistry presence = context.getBean(PresenceRegistry.class);
				assertThat(presence).isInstanceOf(LocalPresenceRegistry.class);
				presence.join("room:x", "ann", "{}").block(Duration.ofSeconds(5));
				assertThat(presence.members("room:x").block(Duration.ofSeconds(5))).isEqualTo(Map.of("ann", "{}"));
			});
	}

	@Test
	void aNodeIdWithAColonFailsAtStartupNamingTheProperty() {
		assertStartupFailsNaming("ws-pubsub.fanout.redis.node-id", "ws-pubsub.fanout.redis.node-id=a:b");
	}

	@Test
	void aNegativeStartupWaitFailsAtStartupNamingTheProperty() {
		assertStartupFailsNaming("ws-pubsub.fanout.redis.startup-wait", "ws-pubsub.fanout.redis.startup-wait=-1s");
	}

	@Test
	void redisPropertyDefaultsAreTheDocumentedOnes() {
		WsPubSubProperties.Redis redis = new WsPubSubProperties().getFanout().getRedis();
		assertThat(redis.isEnabled()).isFalse();
		assertThat(redis.getChannelPrefix()).isEqualTo("ws-pubsub:");
		assertThat(redis.getNodeId()).isNull();
		assertThat(redis.getPublishBuffer()).isEqualTo(10_000);
		assertThat(redis.getProbeInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(redis.getPresenceTtl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(redis.getMaxReconnectDelay()).isEqualTo(Duration.ofSeconds(5));
		assertThat(redis.getCommandTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(redis.getStartupWait()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void theRedisClientRejectsCommandsWhileDisconnectedInsteadOfQueueingThem() {
		this.runner.withPropertyValues("ws-pubsub.fanout.redis.enabled=true").run((context) -> {
			ClientOptions options = context.getBean(LettuceConnectionFactory.class)
				.getClientConfiguration()
				.getClientOptions()
				.orElseThrow();
			assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		});
	}

	@Test
	void anApplicationClosedRightAfterItStartedLeavesNoConnectToEndOnStoppedEventLoops() {
		// Each start opens the fan-out's connections in the background, and each close
		// shuts down the Lettuce client's event loops. A connect still under way then
		// ends
		// on a loop that is gone: Netty logs that at ERROR, or, for a connect begun
		// after,
		// at WARN. Starts and closes enough to meet it nearly every run when the
		// fan-out's
		// stop does not wait for its connects.
		try (ExpectedLog onStoppedLoop = ExpectedLog.capture(Level.ERROR, "Event loop shut down?");
				ExpectedLog registeredLate = ExpectedLog.capture(Level.WARN, "registration task was not accepted")) {
			for (int i = 0; i < 30; i++) {
				this.runner.withPropertyValues("ws-pubsub.fanout.redis.enabled=true")
					.run((context) -> assertThat(context).hasNotFailed());
			}
			assertThat(onStoppedLoop.lines()).as("ERRORs of connects that ended on stopped event loops").isEmpty();
			assertThat(registeredLate.lines()).as("connects begun on stopped event loops").isEmpty();
		}
	}

	@Test
	void aCommandTimeoutOfZeroFailsAtStartupNamingTheProperty() {
		assertStartupFailsNaming("ws-pubsub.fanout.redis.command-timeout", "ws-pubsub.fanout.redis.command-timeout=0");
	}

	private void assertStartupFailsNaming(String property, String setting) {
		ExpectedLog.startupFailure(
				() -> this.runner.withPropertyValues("ws-pubsub.fanout.redis.enabled=true", setting).run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context).getFailure()
						.rootCause()
						.isInstanceOf(WsPubSubConfigurationException.class)
						.hasMessageContaining(property);
				}));
	}

}
