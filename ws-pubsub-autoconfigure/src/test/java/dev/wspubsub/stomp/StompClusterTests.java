package dev.wspubsub.stomp;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.simp.SimpMessagingTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two STOMP nodes in this JVM on one real Redis: user destinations and broker
 * destinations reach every node.
 */
class StompClusterTests {

	private static TestRedis redis;

	private static ConfigurableApplicationContext one;

	private static ConfigurableApplicationContext two;

	@BeforeAll
	static void startNodes() {
		redis = TestRedis.start();
		one = start();
		two = start();
	}

	@AfterAll
	static void stopNodes() {
		for (AutoCloseable closeable : new AutoCloseable[] { one, two, redis }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	@Test
	void aUserDestinationReachesEveryConnectionOfThatUserOnEveryNodeAndOnlyHers() {
		try (RawStomp aliceOnOne = RawStomp.connected(uri(one, "?user=alice"));
				RawStomp aliceOnTwo = RawStomp.connected(uri(two, "?user=alice"));
				RawStomp bobOnTwo = RawStomp.connected(uri(two, "?user=bob"))) {
			for (RawStomp client : new RawStomp[] { aliceOnOne, aliceOnTwo, bobOnTwo }) {
				client.send("SUBSCRIBE\nid:q\ndestination:/user/queue/notes\nreceipt:r\n\n\0");
				assertThat(client.read().command()).isEqualTo("RECEIPT");
			}
			awaitNodesSubscribed("/user/alice/queue/notes", 2);
			awaitNodesSubscribed("/user/bob/queue/notes", 1);
			one.getBean(SimpMessagingTemplate.class).convertAndSendToUser("alice", "/queue/notes", "for alice");
			RawStomp.Parsed onOne = aliceOnOne.read();
			RawStomp.Parsed onTwo = aliceOnTwo.read();
			assertThat(onOne.body()).isEqualTo("for alice");
			assertThat(onTwo.body()).isEqualTo("for alice");
			assertThat(onTwo.header("destination")).isEqualTo("/user/queue/notes");
			one.getBean(SimpMessagingTemplate.class).convertAndSendToUser("bob", "/queue/notes", "for bob");
			assertThat(bobOnTwo.read().body()).as("bob's first message is his own").isEqualTo("for bob");
		}
	}

	@Test
	void aSendOnOneNodeReachesSubscribersOnTheOther() {
		try (RawStomp sender = RawStomp.connected(uri(one, "")); RawStomp reader = RawStomp.connected(uri(two, ""))) {
			reader.send("SUBSCRIBE\nid:1\ndestination:/topic/cluster\nreceipt:r\n\n\0");
			assertThat(reader.read().command()).isEqualTo("RECEIPT");
			awaitNodesSubscribed("/topic/cluster", 1);
			sender.send("SEND\ndestination:/topic/cluster\n\nacross\0");
			assertThat(reader.read().body()).isEqualTo("across");
		}
	}

	private static void awaitNodesSubscribed(String topic, long nodes) {
		String channel = "ws-pubsub:t:" + topic;
		await("%d nodes subscribed to %s".formatted(nodes, channel)).atMost(Duration.ofSeconds(10))
			.until(() -> redis.commands().pubsubNumsub(channel).getOrDefault(channel, 0L) == nodes);
	}

	private static URI uri(ConfigurableApplicationContext node, String query) {
		int port = ((WebServerApplicationContext) node).getWebServer().getPort();
		return URI.create("ws://localhost:" + port + "/stomp" + query);
	}

	private static ConfigurableApplicationContext start() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", String.valueOf(redis.port()));
		properties.put("ws-pubsub.fanout.redis.enabled", "true");
		properties.put("ws-pubsub.stomp.endpoints", "/stomp");
		SpringApplication application = new SpringApplication(StompApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(properties);
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		return application.run();
	}

}
