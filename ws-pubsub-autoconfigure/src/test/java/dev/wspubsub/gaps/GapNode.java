package dev.wspubsub.gaps;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wspubsub.internal.cluster.RedisFanout;
import dev.wspubsub.test.SseTestClient;
import dev.wspubsub.test.TestRedis;
import dev.wspubsub.test.WsTestClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One {@link GapApplication} node on port 0, joined to the others through a Redis. */
final class GapNode implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private GapNode(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	static GapNode start(TestRedis redis, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", String.valueOf(redis.port()));
		properties.put("ws-pubsub.fanout.redis.enabled", "true");
		properties.put("ws-pubsub.fanout.redis.probe-interval", "200ms");
		properties.put("ws-pubsub.fanout.redis.max-reconnect-delay", "200ms");
		properties.put("ws-pubsub.history.topics[0].pattern", "room:*");
		properties.put("ws-pubsub.history.topics[0].size", "10000");
		properties.put("ws-pubsub.sse.enabled", "true");
		for (String property : extraProperties) {
			int eq = property.indexOf('=');
			properties.put(property.substring(0, eq), property.substring(eq + 1));
		}
		SpringApplication application = new SpringApplication(GapApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(properties);
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		application.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
		return new GapNode(application.run());
	}

	/** This node's endpoint. */
	URI uri() {
		return URI.create("ws://localhost:" + this.port + "/gap");
	}

	/** A client subscribed to {@code topic}. */
	WsTestClient subscribed(String topic) {
		return subscribed(uri(), topic);
	}

	/**
	 * A client of the endpoint whose {@code @OnTopicReset} shapes the reset notice,
	 * subscribed to {@code topic}.
	 */
	WsTestClient subscribedWithOwnResetNotice(String topic) {
		return subscribed(URI.create("ws://localhost:" + this.port + "/gap-own-reset"), topic);
	}

	private static WsTestClient subscribed(URI uri, String topic) {
		WsTestClient client = WsTestClient.builder(uri).defaultTimeout(Duration.ofSeconds(20)).connect();
		assertSubscribed(client.sendAndAwait("sub " + topic), topic);
		return client;
	}

	private static void assertSubscribed(String reply, String topic) {
		if (!reply.equals("subscribed " + topic)) {
			throw new IllegalStateException("Not subscribed to " + topic + ": " + reply);
		}
	}

	/** This node's event stream of {@code topic}. */
	SseTestClient eventStream(String topic) {
		return SseTestClient.connect(URI.create("http://localhost:" + this.port + "/sse/" + topic),
				Duration.ofSeconds(20));
	}

	RedisFanout fanout() {
		return this.context.getBean(RedisFanout.class);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
