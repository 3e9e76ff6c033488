package dev.wspubsub.autoconfigure;

import java.time.Duration;

import dev.wspubsub.internal.sse.SseTopicBridge;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.web.reactive.function.server.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

class WsPubSubSseAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, WsPubSubSseAutoConfiguration.class));

	@Test
	void theBridgeIsOffByDefault() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SseTopicBridge.class)
			.doesNotHaveBean(RouterFunction.class));
	}

	@Test
	void whenEnabledThenTheBridgeAndItsRouteAreRegistered() {
		this.runner.withPropertyValues("ws-pubsub.sse.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(SseTopicBridge.class).hasBean("wsPubSubSseRoutes"));
	}

	@Test
	void whenWsPubSubIsDisabledThenTheBridgeBacksOff() {
		this.runner.withPropertyValues("ws-pubsub.enabled=false", "ws-pubsub.sse.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(SseTopicBridge.class));
	}

	@Test
	void anInvalidHeartbeatFailsAtStartUp() {
		ExpectedLog.startupFailure(
				() -> this.runner.withPropertyValues("ws-pubsub.sse.enabled=true", "ws-pubsub.sse.heartbeat=0s")
					.run((context) -> assertThat(context).hasFailed()
						.getFailure()
						.rootCause()
						.hasMessageContaining("heartbeat must be positive")));
	}

	@Test
	void theDefaultsAreTheDocumentedOnes() {
		WsPubSubProperties.Sse sse = new WsPubSubProperties().getSse();
		assertThat(sse.isEnabled()).isFalse();
		assertThat(sse.getPath()).isEqualTo("/sse");
		assertThat(sse.getHeartbeat()).isEqualTo(Duration.ofSeconds(15));
		assertThat(sse.getRetry()).isEqualTo(Duration.ofSeconds(5));
		assertThat(sse.getBufferSize()).isEqualTo(256);
	}

}
