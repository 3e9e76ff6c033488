package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import dev.wspubsub.annotation.Topic;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @Topic} publisher that fails is resubscribed with backoff from 1 s to 30 s
 * (with Reactor's jitter: the first wait is 1 to 1.5 s, none is shorter than 1 s or
 * longer than 30 s) and each failure is logged. Runs on virtual time: ten minutes of
 * retries in no time.
 */
class TopicPublisherRetryTests {

	private VirtualTimeScheduler time;

	@BeforeEach
	void virtualTime() {
		// Before the context starts: the backoff's delays are scheduled on
		// Schedulers.parallel().
		this.time = VirtualTimeScheduler.getOrSet();
	}

	@AfterEach
	void realTime() {
		VirtualTimeScheduler.reset();
	}

	@Test
	void aFailingPublisherIsResubscribedWithBackoffFromOneToThirtySecondsAndEachFailureIsLogged() {
		// From before the context starts: the publisher is first subscribed, and fails,
		// then.
		try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "failed; resubscribing")) {
			new ReactiveWebApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
				.withUserConfiguration(FailingFeed.class)
				.run((context) -> {
					FailingFeed feed = context.getBean(FailingFeed.class);
					for (int step = 0; step < 10 * 60 * 10; step++) {
						this.time.advanceTimeBy(Duration.ofMillis(100));
					}
					List<Long> subscribed = feed.subscribedAt;
					assertThat(subscribed).as("subscriptions in ten minutes").hasSizeBetween(20, 60);
					List<Long> gaps = new ArrayList<>();
					for (int i = 1; i < subscribed.size(); i++) {
						gaps.add(subscribed.get(i) - subscribed.get(i - 1));
					}
					assertThat(gaps.get(0)).as("first wait").isBetween(1000L, 1600L);
					assertThat(gaps).as("every wait").allSatisfy((gap) -> assertThat(gap).isBetween(1000L, 30_100L));
					assertThat(gaps.subList(gaps.size() - 10, gaps.size())).as("waits once the backoff is capped")
						.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(15_000L));
					assertThat(log.lines()).as("one warning per failure")
						.hasSize(subscribed.size())
						.allMatch((line) -> line.matches("@Topic\\(\"ticks\"\\) publisher .* failed; resubscribing"));
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingFeed {

		final List<Long> subscribedAt = new ArrayList<>();

		@Topic("ticks")
		Flux<String> ticks() {
			return Flux.defer(() -> {
				this.subscribedAt.add(VirtualTimeScheduler.get().now(TimeUnit.MILLISECONDS));
				return Flux.error(new IllegalStateException("feed down"));
			});
		}

	}

}
