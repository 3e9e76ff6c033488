package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.testapp.ExpectedLog;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The addresses the fan-out is given for a static master/replica setup: every node, with
 * what Spring Boot's connection factory applies to its own connections.
 */
class MasterReplicaNodeUrisTests {

	// No Redis listens there: only the configuration is looked at.
	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.masterreplica.nodes=127.0.0.1:1,127.0.0.1:2");

	@Test
	void everyNodeCarriesTheFactorysUserPasswordClientNameTlsAndTimeout() {
		this.runner
			.withPropertyValues("spring.data.redis.username=ann", "spring.data.redis.password=secret",
					"spring.data.redis.client-name=node-a", "spring.data.redis.ssl.enabled=true",
					"spring.data.redis.timeout=3s")
			.run((context) -> {
				List<RedisURI> nodes = uris(context);
				assertThat(nodes).extracting(RedisURI::getPort).containsExactly(1, 2);
				for (RedisURI node : nodes) {
					assertThat(node.getHost()).isEqualTo("127.0.0.1");
					RedisCredentials credentials = node.getCredentialsProvider().resolveCredentials().block();
					assertThat(credentials.getUsername()).isEqualTo("ann");
					assertThat(new String(credentials.getPassword())).isEqualTo("secret");
					assertThat(node.getClientName()).isEqualTo("node-a");
					assertThat(node.isSsl()).isTrue();
					assertThat(node.getTimeout()).isEqualTo(Duration.ofSeconds(3));
					assertThat(node.getDatabase())
						.isEqualTo(context.getBean(LettuceConnectionFactory.class).getDatabase());
				}
			});
	}

	@Test
	void aMasterReplicaConfigurationBeanIsTheSetup() {
		this.runner.withBean(RedisStaticMasterReplicaConfiguration.class, () -> {
			RedisStaticMasterReplicaConfiguration configuration = new RedisStaticMasterReplicaConfiguration("127.0.0.1",
					7);
			configuration.setDatabase(3);
			return configuration;
		}).run((context) -> {
			List<RedisURI> nodes = uris(context);
			assertThat(nodes).extracting(RedisURI::getPort).containsExactly(7);
			assertThat(nodes.get(0).getDatabase()).isEqualTo(3);
		});
	}

	@Test
	void withoutMasterReplicaNodesThereAreNone() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class))
			.run((context) -> assertThat(uris(context)).isEmpty());
	}

	/**
	 * A connection factory of the application's own on a static master/replica setup it
	 * does not declare as a bean: the fan-out cannot know the nodes, and says so at
	 * start-up instead of never coming up.
	 */
	@Test
	void aStaticMasterReplicaFactoryWhoseNodesAreUnknownFailsAtStartUpNamingTheFix() {
		try (ExpectedLog cannot = ExpectedLog.capture(Level.ERROR, "cannot connect")) {
			ExpectedLog.startupFailure(() -> new ReactiveWebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						DataRedisReactiveAutoConfiguration.class, WsPubSubRedisAutoConfiguration.class,
						WsPubSubAutoConfiguration.class))
				.withBean(LettuceConnectionFactory.class,
						() -> new LettuceConnectionFactory(new RedisStaticMasterReplicaConfiguration("127.0.0.1", 1)))
				.withPropertyValues("ws-pubsub.fanout.redis.enabled=true", "ws-pubsub.fanout.redis.startup-wait=10s")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context).getFailure()
						.rootCause()
						.isInstanceOf(WsPubSubConfigurationException.class)
						.hasMessageContaining("spring.data.redis.masterreplica.nodes")
						.hasMessageContaining("RedisStaticMasterReplicaConfiguration");
				}));
			assertThat(cannot.lines()).hasSize(1);
		}
	}

	private static List<RedisURI> uris(AssertableReactiveWebApplicationContext context) {
		return MasterReplicaNodeUris.of(context.getBean(LettuceConnectionFactory.class),
				context.getBeanProvider(RedisStaticMasterReplicaConfiguration.class),
				context.getBeanProvider(DataRedisConnectionDetails.class));
	}

}
