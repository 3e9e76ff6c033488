package dev.wspubsub.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import dev.wspubsub.WsServer;
import dev.wspubsub.annotation.Topic;
import dev.wspubsub.testapp.ExpectedLog;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

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

	@Test
	void aValidListenerParameterKeepsInvalidMessagesFromTheListenerAndLogsThemOnceWithACount() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class,
					ValidationAutoConfiguration.class))
			.withUserConfiguration(ValidatedAlerts.class)
			.run((context) -> {
				try (ExpectedLog log = ExpectedLog.capture(Level.WARN, "could not read")) {
					WsServer server = context.getBean(WsServer.class);
					for (int i = 0; i < 50; i++) {
						server.publish("alerts", "{\"level\":\"\"}");
					}
					server.publish("alerts", "{\"level\":\"high\"}");
					assertThat(context.getBean(ValidatedAlerts.class).received)
						.containsExactly(new CheckedAlert("high"));
					assertThat(log.lines()).singleElement(as(InstanceOfAssertFactories.STRING))
						.contains("could not read 1 message(s) as CheckedAlert", "invalid: level: must not be blank");
					assertThat(log.thrown()).as("stack traces").isEmpty();
				}
			});
	}

	@Test
	void aValidListenerParameterWithoutAValidatorFailsAtStartUpNamingTheMethodAndTheFix() {
		ExpectedLog.startupFailure(() -> new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(ValidatedAlerts.class)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("ValidatedAlerts.onAlert(CheckedAlert)")
				.hasMessageContaining("@Valid")
				.hasMessageContaining("spring-boot-starter-validation")));
	}

	record Alert(String level) {
	}

	record CheckedAlert(@NotBlank String level) {
	}

	static class ValidatedAlerts {

		final List<CheckedAlert> received = new ArrayList<>();

		@Topic("alerts")
		void onAlert(@Valid CheckedAlert alert) {
			this.received.add(alert);
		}

	}

	static class Alerts {

		final List<Alert> received = new ArrayList<>();

		@Topic("alerts")
		void onAlert(Alert alert) {
			this.received.add(alert);
		}

	}

}
