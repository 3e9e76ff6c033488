package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.internal.security.SecuredEndpoints;
import dev.wspubsub.internal.stomp.SpringStompMessaging;
import dev.wspubsub.internal.stomp.StompBroker;
import dev.wspubsub.internal.stomp.StompHandlerMapping;
import dev.wspubsub.testapp.ExpectedLog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.SimpMessagingTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link WsPubSubStompAutoConfiguration}. */
class WsPubSubStompAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WsPubSubAutoConfiguration.class, WsPubSubSecurityAutoConfiguration.class,
						WsPubSubStompAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void withoutAnEndpointThereIsNoStomp() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(StompHandlerMapping.class);
			assertThat(context).doesNotHaveBean(SimpMessageSendingOperations.class);
		});
	}

	@Test
	void anEndpointTurnsOnTheBrokerTheAnnotationsAndTheTemplate() {
		this.contextRunner.withPropertyValues("ws-pubsub.stomp.endpoints=/gs-guide-websocket").run((context) -> {
			assertThat(context).hasSingleBean(StompHandlerMapping.class);
			assertThat(context).hasSingleBean(SpringStompMessaging.class);
			assertThat(context.getBean(SimpMessageSendingOperations.class)).isInstanceOf(SimpMessagingTemplate.class);
			assertThat(context.getBean(StompHandlerMapping.class).endpoints()).containsOnlyKeys("/gs-guide-websocket");
			assertThat(context.getBean(SecuredEndpoints.class).paths())
				.as("origin check, connection caps and the security chain see the STOMP path")
				.contains("/gs-guide-websocket");
		});
	}

	@Test
	void endpointsMayBeAYamlList() {
		this.contextRunner.withPropertyValues("ws-pubsub.stomp.endpoints[0]=/a", "ws-pubsub.stomp.endpoints[1]=/b")
			.run((context) -> assertThat(context.getBean(StompHandlerMapping.class).endpoints()).containsOnlyKeys("/a",
					"/b"));
	}

	@Test
	void propertyDefaultsAreTheDocumentedOnes() {
		this.contextRunner.withPropertyValues("ws-pubsub.stomp.endpoints=/stomp").run((context) -> {
			WsPubSubStompProperties properties = context.getBean(WsPubSubStompProperties.class);
			assertThat(properties.getApplicationDestinationPrefixes()).containsExactly("/app");
			assertThat(properties.getBrokerDestinationPrefixes()).containsExactly("/topic", "/queue");
			assertThat(properties.getUserDestinationPrefix()).isEqualTo("/user");
			assertThat(properties.getHeartbeatSend()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getHeartbeatReceive()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getMaxSubscriptionsPerConnection()).isEqualTo(1000);
			assertThat(context.getBean(StompBroker.class).settings().applicationDestinationPrefixes())
				.isEqualTo(List.of("/app"));
		});
	}

	@Test
	void withoutSpringMessagingOnlyTheBrokerRuns() {
		this.contextRunner.withPropertyValues("ws-pubsub.stomp.endpoints=/stomp")
			.withClassLoader(new FilteredClassLoader("org.springframework.messaging"))
			.run((context) -> {
				assertThat(context).hasSingleBean(StompHandlerMapping.class);
				assertThat(context).doesNotHaveBean(SpringStompMessaging.class);
			});
	}

	@Test
	void aPathWithoutALeadingSlashFailsAtStartNamingTheFix() {
		ExpectedLog.startupFailure(
				() -> this.contextRunner.withPropertyValues("ws-pubsub.stomp.endpoints=stomp").run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(WsPubSubConfigurationException.class)
						.hasMessageContaining("ws-pubsub.stomp.endpoints has 'stomp'")
						.hasMessageContaining("Start every STOMP endpoint path with '/'");
				}));
	}

	@Test
	void theStompSubscriptionCapMustBePositive() {
		ExpectedLog.startupFailure(() -> this.contextRunner
			.withPropertyValues("ws-pubsub.stomp.endpoints=/stomp",
					"ws-pubsub.stomp.max-subscriptions-per-connection=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("ws-pubsub.stomp.max-subscriptions-per-connection is 0")));
	}

}
