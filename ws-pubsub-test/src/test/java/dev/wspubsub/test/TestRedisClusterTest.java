package dev.wspubsub.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
			// Lettuce's complaints of the master killed on purpose (through
			// java.util.logging here): kept out of the build's output, and checked.
			Logger lettuce = Logger.getLogger("io.lettuce.core");
			List<String> warnings = new CopyOnWriteArrayList<>();
			Handler recorder = new Recorder(warnings);
			lettuce.addHandler(recorder);
			lettuce.setUseParentHandlers(false);
			int[] killed = new int[1];
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
				killed[0] = master;
				cluster.awaitReplicas(master);
				int promoted = cluster.killMasterOf("a");
				assertThat(promoted).isNotEqualTo(master);
				assertThat(cluster.masterPorts()).hasSize(3).doesNotContain(master).contains(promoted);
				assertThat(cluster.node(promoted).get("a")).isEqualTo("value-a");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
				lettuce.removeHandler(recorder);
				lettuce.setUseParentHandlers(true);
			}
			assertThat(warnings).as("warnings of the killed master only")
				.allMatch((warning) -> warning.contains(":" + killed[0] + "]"));
		}
		assertThat(Files.exists(directory)).isFalse();
	}

	@Test
	void aMasterWhoseWritesArePausedHoldsThemUntilResumedAndKeepsItsSlots() throws Exception {
		try (TestRedisCluster cluster = TestRedisCluster.start()) {
			int master = cluster.masterPortOf("held");
			RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + master));
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				cluster.pauseWrites(master, Duration.ofSeconds(30));
				RedisFuture<String> held = connection.async().set("held", "value");
				// Over twice the cluster's node timeout: a master silent that long would
				// have been failed over by now.
				assertThatExceptionOfType(TimeoutException.class)
					.isThrownBy(() -> held.get(2500, TimeUnit.MILLISECONDS));
				assertThat(cluster.node(master).get("held")).as("reads answer").isNull();
				assertThat(cluster.masterPortOf("held")).isEqualTo(master);
				cluster.resumeWrites(master);
				assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("OK");
				assertThat(cluster.node(master).get("held")).isEqualTo("value");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	/** Keeps the WARNING records' messages. */
	private static final class Recorder extends Handler {

		private final List<String> warnings;

		Recorder(List<String> warnings) {
			this.warnings = warnings;
		}

		@Override
		public void publish(LogRecord record) {
			if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
				this.warnings.add(record.getMessage());
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	}

}
