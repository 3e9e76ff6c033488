package dev.wspubsub.autoconfigure;

import java.util.List;

import io.lettuce.core.RedisURI;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.StringUtils;

/**
 * The nodes of a static master/replica setup as Lettuce addresses, built as Spring Data's
 * connection factory builds them for its own connections (user name and password, or the
 * credentials provider; client name, database, TLS, peer verification, STARTTLS, command
 * timeout), since the client it made has no address of its own and the factory does not
 * hand its configuration out. The setup is the one Spring Boot chose: a
 * {@link RedisStaticMasterReplicaConfiguration} bean, else
 * {@code spring.data.redis.masterreplica.nodes} (when neither Sentinel nor a cluster is
 * configured, which Boot prefers).
 */
final class MasterReplicaNodeUris {

	private MasterReplicaNodeUris() {
	}

	/**
	 * @return the nodes' addresses, empty when the factory is not for a static
	 * master/replica setup
	 */
	static List<RedisURI> of(LettuceConnectionFactory factory,
			ObjectProvider<RedisStaticMasterReplicaConfiguration> configured,
			ObjectProvider<DataRedisConnectionDetails> details) {
		if (factory.isClusterAware() || factory.isRedisSentinelAware()) {
			return List.of();
		}
		RedisStaticMasterReplicaConfiguration configuration = configured.getIfAvailable();
		if (configuration == null) {
			configuration = fromDetails(details.getIfAvailable());
		}
		if (configuration == null) {
			return List.of();
		}
		RedisStaticMasterReplicaConfiguration setup = configuration;
		LettuceClientConfiguration client = factory.getClientConfiguration();
		return setup.getNodes().stream().map((node) -> {
			RedisURI.Builder uri = RedisURI.Builder.redis(node.getHostName(), node.getPort());
			RedisPassword password = setup.getPassword();
			if (StringUtils.hasText(setup.getUsername())) {
				uri.withAuthentication(setup.getUsername(), new String(password.toOptional().orElse(new char[0])));
			}
			else {
				password.toOptional().ifPresent(uri::withPassword);
			}
			client.getRedisCredentialsProviderFactory()
				.ifPresent((credentials) -> uri.withAuthentication(credentials.createCredentialsProvider(setup)));
			client.getClientName().ifPresent(uri::withClientName);
			// The factory's database is its configuration's.
			uri.withDatabase(factory.getDatabase());
			uri.withSsl(client.isUseSsl());
			uri.withVerifyPeer(client.getVerifyMode());
			uri.withStartTls(client.isStartTls());
			uri.withTimeout(client.getCommandTimeout());
			return uri.build();
		}).toList();
	}

	// As Spring Boot builds it from its properties (or a service connection).
	private static @Nullable RedisStaticMasterReplicaConfiguration fromDetails(
			@Nullable DataRedisConnectionDetails details) {
		if (details == null || details.getMasterReplica() == null || details.getMasterReplica().getNodes().isEmpty()) {
			return null;
		}
		RedisStaticMasterReplicaConfiguration configuration = new RedisStaticMasterReplicaConfiguration();
		details.getMasterReplica().getNodes().forEach((node) -> configuration.addNode(node.host(), node.port()));
		configuration.setUsername(details.getUsername());
		if (details.getPassword() != null) {
			configuration.setPassword(RedisPassword.of(details.getPassword()));
		}
		return configuration;
	}

}
