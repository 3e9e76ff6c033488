package dev.wspubsub.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.wspubsub.WsServer;
import dev.wspubsub.annotation.Topic;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients may publish to a {@code @Topic} listener's topic: a flood of messages its
 * parameter cannot be read from is logged once, with a count and no stack trace, and
 * readable messages still reach it.
 */
@ExtendWith(OutputCaptureExtension.class)
class TopicListenerBadMessageTests {

	@Test
	void unreadableMessagesAreLoggedOnceAMinuteWithACountAndNoStackTrace(CapturedOutput output) {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(Alerts.class)
			.run((context) -> {
				WsServer server = context.getBean(WsServer.class);
				for (int i = 0; i < 200; i++) {
					server.publish("alerts", "not json " + i);
				}
				server.publish("alerts", "{\"level\":\"high\"}");
				assertThat(context.getBean(Alerts.class).received).containsExactly(new Alert("high"));
				assertThat(output.getOut() + output.getErr()).containsOnlyOnce("could not read")
					.contains("could not read 1 message(s) as Alert")
					.doesNotContain("\tat ");
			});
	}

	@Test
	void aValidListenerParameterKeepsInvalidMessagesFromTheListenerAndLogsThemOnceWithACount(CapturedOutput output) {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class,
					ValidationAutoConfiguration.class))
			.withUserConfiguration(ValidatedAlerts.class)
			.run((context) -> {
				WsServer server = context.getBean(WsServer.class);
				for (int i = 0; i < 50; i++) {
					server.publish("alerts", "{\"level\":\"\"}");
				}
				server.publish("alerts", "{\"level\":\"high\"}");
				assertThat(context.getBean(ValidatedAlerts.class).received).containsExactly(new CheckedAlert("high"));
				assertThat(output.getOut() + output.getErr()).containsOnlyOnce("could not read")
					.contains("could not read 1 message(s) as CheckedAlert", "invalid: level: must not be blank")
					.doesNotContain("\tat ");
			});
	}

	@Test
	void aValidListenerParameterWithoutAValidatorFailsAtStartUpNamingTheMethodAndTheFix() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(ValidatedAlerts.class)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("ValidatedAlerts.onAlert(CheckedAlert)")
				.hasMessageContaining("@Valid")
				.hasMessageContaining("spring-boot-starter-validation"));
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
