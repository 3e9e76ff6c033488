package dev.wspubsub.autoconfigure;

import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.internal.actuate.WsPubSubEndpoint;
import dev.wspubsub.internal.actuate.WsPubSubHealthIndicator;
import dev.wspubsub.internal.actuate.WsPubSubMeterBinder;
import dev.wspubsub.internal.actuate.WsPubSubMeters;
import dev.wspubsub.internal.actuate.WsPubSubObservations;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.spi.WsMetricsListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class WsPubSubActuatorAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WsPubSubAutoConfiguration.class, WsPubSubActuatorAutoConfiguration.class,
						MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class))
		.withUserConfiguration(TestEndpointConfiguration.class);

	@Test
	void whenTheEndpointIsExposedThenItIsRegistered() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=wspubsub")
			.run((context) -> assertThat(context).hasSingleBean(WsPubSubEndpoint.class));
	}

	@Test
	void whenTheEndpointIsNotExposedThenItIsAbsent() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(WsPubSubEndpoint.class));
	}

	@Test
	void whenTheEndpointAccessIsNoneThenItIsAbsent() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=wspubsub",
					"management.endpoint.wspubsub.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(WsPubSubEndpoint.class));
	}

	@Test
	void healthIndicatorIsUpWithTheConnectionCount() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(WsPubSubHealthIndicator.class);
			assertThat(context).hasBean("wsPubSubHealthIndicator");
			var health = context.getBean(WsPubSubHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("connections", 0).containsEntry("fanout", "local");
		});
	}

	@Test
	void healthIndicatorIsDownWhenTheFanoutLinkIsDown() {
		this.runner.withBean(Fanout.class, DownFanout::new).run((context) -> {
			var health = context.getBean(WsPubSubHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("fanout", "test");
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.wspubsub.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WsPubSubHealthIndicator.class));
	}

	@Test
	void whenAMeterRegistryIsPresentThenMetersListenToTheSessionRegistry() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(WsPubSubMeters.class).hasSingleBean(WsPubSubMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("wspubsub.connections").tag("endpoint", "/ctx").gauge()).isNotNull();
			assertThat(registry.find("wspubsub.upgrades.pending").tag("endpoint", "/ctx").gauge()).isNotNull();
			assertThat(registry.find("wspubsub.topics").gauge()).isNotNull();
			assertThat(registry.find("wspubsub.publishes").counter()).isNotNull();
			assertThat(context.getBean(SessionRegistry.class).metrics()).isNotSameAs(WsMetricsListener.NONE);
		});
	}

	@Test
	void whenAnObservationRegistryIsPresentThenHandlerCallsAreObserved() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ObservationRegistry.class);
			WsSession<?> session = mock(WsSession.class);
			given(session.path()).willReturn("/ctx");
			given(session.id()).willReturn("s1");
			// What the endpoint layer does around each handler call, through the listener
			// the runtime uses.
			context.getBean(SessionRegistry.class).metrics().handlerStarted(session, "chat").end();
			Timer timer = context.getBean(MeterRegistry.class)
				.find("wspubsub.handler")
				.tags("endpoint", "/ctx", "message.type", "chat")
				.timer();
			assertThat(timer).as("the handler observation's timer").isNotNull();
			assertThat(timer.count()).isOne();
		});
	}

	@Test
	void withoutMicrometerThenNothingListensAndTheEndpointStillWorks() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(WsPubSubAutoConfiguration.class, WsPubSubActuatorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.micrometer.core", "io.micrometer.observation"))
			.withPropertyValues("management.endpoints.web.exposure.include=wspubsub")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WsPubSubMeters.class).doesNotHaveBean(WsPubSubObservations.class);
				assertThat(context.getBean(SessionRegistry.class).metrics()).isSameAs(WsMetricsListener.NONE);
				assertThat(context).hasSingleBean(WsPubSubEndpoint.class);
			});
	}

	@Test
	void withoutActuatorThenThereIsNoEndpointAndNoHealthIndicator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class))
			.withPropertyValues("management.endpoints.web.exposure.include=wspubsub")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WsPubSubEndpoint.class)
					.doesNotHaveBean(WsPubSubHealthIndicator.class);
				assertThat(context).hasSingleBean(WsPubSubMeters.class);
			});
	}

	@Test
	void whenWsPubSubIsDisabledThenTheActuatorSupportBacksOff() {
		this.runner.withPropertyValues("ws-pubsub.enabled=false", "management.endpoints.web.exposure.include=wspubsub")
			.run((context) -> assertThat(context).doesNotHaveBean(WsPubSubEndpoint.class)
				.doesNotHaveBean(WsPubSubHealthIndicator.class)
				.doesNotHaveBean(WsPubSubMeters.class)
				.doesNotHaveBean(WsPubSubObservations.class));
	}

	@Test
	void aUserDefinedHealthIndicatorReplacesOurs() {
		this.runner.withUserConfiguration(TestEndpointConfiguration.class, CustomHealthConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(WsPubSubHealthIndicator.class)
				.hasBean("wsPubSubHealthIndicator"));
	}

	@Configuration(proxyBeanMethods = false)
	static class TestEndpointConfiguration {

		@Bean
		CtxEndpoint ctxEndpoint() {
			return new CtxEndpoint();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomHealthConfiguration {

		@Bean
		HealthIndicator wsPubSubHealthIndicator() {
			return () -> Health.up().build();
		}

	}

	@WsEndpoint("/ctx")
	static class CtxEndpoint {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	static class DownFanout implements Fanout {

		@Override
		public void forward(String topic, OutboundMessage message) {
		}

		@Override
		public String mode() {
			return "test";
		}

		@Override
		public boolean isUp() {
			return false;
		}

	}

}
