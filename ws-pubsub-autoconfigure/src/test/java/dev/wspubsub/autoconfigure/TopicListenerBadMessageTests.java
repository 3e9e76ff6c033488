package dev.wspubsub.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.annotation.Topic;
import dev.wspubsub.testapp.ExpectedLog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients may publish to a {@code @Topic} listener's topic: a flood of messages its
 * parameter cannot be read from is logged once, with a count and no stack trace, and
 * readable messages still reach it.
 */
class TopicListenerBadMessageTests {

	@Test
	void unreadableMessagesAreLoggedOnceAMinuteWithACountAndNoStackTrace() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(Alerts.class)
			.run((context) -> {
				try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "could not read")) {
					WsServer server = context.getBean(WsServer.class);
					for (int i = 0; i < 200; i++) {
						server.publish("alerts", "not json " + i);
					}
					server.publish("alerts", "{\"level\":\"high\"}");
					assertThat(context.getBean(Alerts.class).received).containsExactly(new Alert("high"));
					assertThat(log.lines()).singleElement(as(InstanceOfAssertFactories.STRING))
						.contains("could not read 1 message(s) as Alert");
					assertThat(log.thrown()).as("stack traces").isEmpty();
				}
			});
	}

	record Alert(String level) {
	}

	static class Alerts {

		final List<Alert> received = new ArrayList<>();

		@Topic("alerts")
		void onAlert(Alert alert) {
			this.received.add(alert);
		}

	}

}
