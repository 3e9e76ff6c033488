package dev.wspubsub.internal.cluster;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * A static master/replica setup ({@code spring.data.redis.masterreplica.nodes}), whose
 * client has no address of its own: commands go through Lettuce's master/replica
 * connection, which sends every command that writes (PUBLISH, EVALSHA) to the master, and
 * the subscription goes to the master itself, found by asking each node its ROLE, so
 * neither replication lag nor a broken replica link can hide a publication from it.
 */
final class MasterReplicaNodes {

	private final RedisClient client;

	private final List<RedisURI> nodes;

	/**
	 * @param client the client Spring Data built for the setup (it has no address)
	 * @param nodes every node, in any order, with the password, database, TLS and timeout
	 * of the connection factory
	 */
	MasterReplicaNodes(RedisClient client, List<RedisURI> nodes) {
		this.client = client;
		this.nodes = List.copyOf(nodes);
	}

	/** Blocking: a connection whose writes go to the master. */
	StatefulRedisConnection<byte[], byte[]> connect() {
		return MasterReplica.connect(this.client, ByteArrayCodec.INSTANCE, this.nodes);
	}

	/**
	 * Blocking: a pub/sub connection to the node that says it is the master now.
	 * @throws IllegalStateException when no node answers that it is the master
	 */
	StatefulRedisPubSubConnection<byte[], byte[]> connectPubSubToMaster() {
		return this.client.connectPubSub(ByteArrayCodec.INSTANCE, master());
	}

	private RedisURI master() {
		List<String> answers = new ArrayList<>();
		for (RedisURI node : this.nodes) {
			try (StatefulRedisConnection<String, String> connection = this.client.connect(StringCodec.UTF8, node)) {
				List<Object> role = connection.sync().role();
				String name = role.isEmpty() ? "" : String.valueOf(role.get(0));
				if ("master".equals(name)) {
					return node;
				}
				answers.add(address(node) + " is " + name);
			}
			catch (RuntimeException ex) {
				answers.add(address(node) + ": " + ex.getMessage());
			}
		}
		throw new IllegalStateException("No Redis master among the static master/replica nodes (" + answers + ")");
	}

	private static String address(RedisURI node) {
		return node.getHost() + ":" + node.getPort();
	}

}
