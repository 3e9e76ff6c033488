package dev.wspubsub.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.wspubsub.test.TestRedis;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A blocking connect the fan-out gave up on (its timeout, while Redis does not answer)
 * leaves neither an open connection nor an error logged for every attempt; a publish
 * Redis does not answer fails once the command timeout has passed, timed by the wire.
 */
class LettuceRedisWireTests {

	private static final Duration GIVE_UP = Duration.ofMillis(50);

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

	@Test
	void aPublishRedisDoesNotAnswerFailsOnceTheCommandTimeoutHasPassed() {
		try (TestRedis redis = TestRedis.start()) {
			RedisClient client = RedisClient.create(RedisURI.builder()
				.withHost("127.0.0.1")
				.withPort(redis.port())
				.withTimeout(COMMAND_TIMEOUT)
				.build());
			// As Spring Boot's connection factory sets them.
			client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled()).build());
			try {
				LettuceRedisWire wire = new LettuceRedisWire(client);
				wire.publish(utf8("ws-pubsub:t:hung"), utf8("connects")).block(Duration.ofSeconds(10));
				redis.commands().clientPause(3000);
				long start = System.nanoTime();
				CompletableFuture<?> expired = wire.publishUnflushed(utf8("ws-pubsub:t:hung"), utf8("first"))
					.toCompletableFuture();
				wire.flush();
				// The dispatcher's thread expires what it sent: this one here.
				await().pollInSameThread().atMost(Duration.ofSeconds(2)).until(() -> {
					wire.expireUnansweredPublishes();
					return expired.isDone();
				});
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(COMMAND_TIMEOUT);
				assertThatThrownBy(expired::join).hasCauseInstanceOf(RedisCommandTimeoutException.class)
					.hasMessageContaining("300 millisecond");
				// Lettuce itself no longer starts a timer per publish.
				CompletableFuture<?> untimed = wire.publishUnflushed(utf8("ws-pubsub:t:hung"), utf8("second"))
					.toCompletableFuture();
				wire.flush();
				await().pollInSameThread()
					.during(COMMAND_TIMEOUT.multipliedBy(2))
					.atMost(COMMAND_TIMEOUT.multipliedBy(4))
					.until(() -> !untimed.isDone());
				wire.close().block(Duration.ofSeconds(10));
			}
			finally {
				client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void aConnectionThatOpensAfterTheCallerGaveUpIsClosed() throws InterruptedException {
		try (TestRedis redis = TestRedis.start()) {
			RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
			try {
				CountDownLatch late = new CountDownLatch(1);
				List<StatefulRedisConnection<String, String>> opened = new CopyOnWriteArrayList<>();
				Mono<StatefulRedisConnection<String, String>> connecting = LettuceRedisWire.connectOffThread(() -> {
					waitFor(late);
					StatefulRedisConnection<String, String> connection = client.connect();
					opened.add(connection);
					return connection;
				});
				assertThatThrownBy(() -> connecting.timeout(GIVE_UP).block())
					.hasCauseInstanceOf(TimeoutException.class);
				late.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> opened.size() == 1 && !opened.get(0).isOpen());
			}
			finally {
				client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void aFailureThatComesAfterTheCallerGaveUpIsNotReportedAgain() throws InterruptedException {
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try {
			CountDownLatch late = new CountDownLatch(1);
			CountDownLatch failed = new CountDownLatch(1);
			Mono<StatefulRedisConnection<String, String>> connecting = LettuceRedisWire.connectOffThread(() -> {
				try {
					waitFor(late);
					throw new IllegalStateException("Unable to connect");
				}
				finally {
					failed.countDown();
				}
			});
			assertThatThrownBy(() -> connecting.timeout(GIVE_UP).block()).hasCauseInstanceOf(TimeoutException.class);
			late.countDown();
			assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
			// The failure reaches the caller's side, if at all, on the connecting thread
			// right after: give it a moment of its own.
			Mono.delay(Duration.ofMillis(200)).block();
			assertThat(dropped).isEmpty();
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
	}

	@Test
	void aFailureBeforeTheCallerGivesUpIsTheCallersError() {
		Mono<StatefulRedisConnection<String, String>> connecting = LettuceRedisWire.connectOffThread(() -> {
			throw new IllegalStateException("Unable to connect");
		});
		assertThatThrownBy(connecting::block).isInstanceOf(IllegalStateException.class).hasMessage("Unable to connect");
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static void waitFor(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
