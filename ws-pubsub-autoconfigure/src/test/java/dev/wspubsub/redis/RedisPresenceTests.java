package dev.wspubsub.redis;

import java.time.Duration;

import dev.wspubsub.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.awaitility.Awaitility.await;

/** Presence on one Redis. */
class RedisPresenceTests extends RedisPresenceContract {

	private static TestRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = TestRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	Node startNode(String... extraProperties) {
		Node node = Node.start(redis, extraProperties);
		await().atMost(Duration.ofSeconds(15)).until(() -> node.fanout().isUp());
		return node;
	}

	@Override
	RedisCommands<String, String> redisOf(String key) {
		return redis.commands();
	}

	@Override
	void forgetScripts() {
		redis.commands().scriptFlush();
	}

}
