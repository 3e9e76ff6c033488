package dev.wspubsub.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestRedisClusterTest {

	@Test
	void startsThreeMastersWithReplicasAndAReplicaTakesOverAKilledMaster() throws Exception {
		Path directory;
		try (TestRedisCluster cluster = TestRedisCluster.start()) {
			directory = cluster.directory();
			assertThat(cluster.masterPorts()).hasSize(3);
			assertThat(cluster.nodes().split(",")).hasSize(6);
			List<RedisURI> seeds = new ArrayList<>();
			for (String node : cluster.nodes().split(",")) {
				seeds.add(RedisURI.create("redis://" + node));
			}
			RedisClusterClient client = RedisClusterClient.create(seeds);
			try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
				// Keys spread over the masters: the cluster routes each to its slot's
				// owner.
				for (String key : List.of("a", "b", "c", "d", "e", "f")) {
					connection.sync().set(key, "value-" + key);
				}
				assertThat(List.of("a", "b", "c", "d", "e", "f").stream().map(cluster::masterPortOf).distinct())
					.hasSizeGreaterThan(1);
				int master = cluster.masterPortOf("a");
				assertThat(cluster.node(master).waitForReplication(1, 1000)).isEqualTo(1);
				int promoted = cluster.killMasterOf("a");
				assertThat(promoted).isNotEqualTo(master);
				assertThat(cluster.masterPorts()).hasSize(3).doesNotContain(master).contains(promoted);
				assertThat(cluster.node(promoted).get("a")).isEqualTo("value-a");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
		assertThat(Files.exists(directory)).isFalse();
	}

}
