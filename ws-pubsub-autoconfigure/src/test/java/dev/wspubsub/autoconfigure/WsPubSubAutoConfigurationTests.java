package dev.wspubsub.autoconfigure;

import java.time.Duration;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsServer;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.OnTopicReset;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.internal.cluster.LocalFanout;
import dev.wspubsub.internal.endpoint.WsHandlerMapping;
import dev.wspubsub.internal.topic.PayloadEncoder;
import dev.wspubsub.internal.topic.PublishRouter;
import dev.wspubsub.internal.topic.TopicRegistry;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.spi.Fanout;
import dev.wspubsub.spi.OutboundMessage;
import dev.wspubsub.testapp.ExpectedLog;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.reactive.TomcatReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/** Tests for {@link WsPubSubAutoConfiguration}. */
class WsPubSubAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void propertyDefaultsAreTheDocumentedOnes() {
		this.contextRunner.run((context) -> {
			WsPubSubProperties properties = context.getBean(WsPubSubProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getMaxPayloadLength()).isEqualTo(DataSize.ofMegabytes(16));
			assertThat(properties.getIdleTimeout()).isEqualTo(Duration.ofSeconds(120));
			assertThat(properties.isSendPings()).isTrue();
			assertThat(properties.getBackpressureLimit()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(properties.isCloseOnBackpressureLimit()).isFalse();
			assertThat(properties.isPublishToSelf()).isFalse();
			assertThat(properties.getPerMessageDeflate().isEnabled()).isFalse();
			assertThat(properties.getPerMessageDeflate().isServerNoContextTakeover()).isFalse();
			assertThat(properties.getPerMessageDeflate().isClientNoContextTakeover()).isFalse();
			assertThat(properties.getIoThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
			assertThat(properties.getShutdown().getDrainDuration()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getShutdown().getDrainMinBatch()).isEqualTo(100);
			assertThat(properties.getShutdown().getReconnectWindow()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void aDrainMinBatchBelowOneFailsAtStartupNamingTheProperty() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withPropertyValues("ws-pubsub.shutdown.drain-min-batch=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("ws-pubsub.shutdown")
				.hasMessageContaining("drain-min-batch")));
	}

	@Test
	void endpointWithoutOverridesGetsTheDefaultSettings() {
		this.contextRunner.withBean("echoEndpoint", EchoEndpoint.class).run((context) -> {
			EndpointSettings settings = context.getBean(WsHandlerMapping.class).endpoints().get("/echo");
			assertThat(settings).isNotNull();
			assertThat(settings.maxPayloadLength()).isEqualTo(16 * 1024 * 1024);
			assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(120));
			assertThat(settings.sendPings()).isTrue();
			assertThat(settings.backpressureLimit()).isEqualTo(1024 * 1024);
			assertThat(settings.closeOnBackpressureLimit()).isFalse();
			assertThat(settings.publishToSelf()).isFalse();
			assertThat(settings.deflate().enabled()).isFalse();
		});
	}

	@Test
	void propertiesSetTheEndpointSettingsAndEndpointAttributesOverrideThem() {
		this.contextRunner.withBean("echoEndpoint", EchoEndpoint.class)
			.withBean("tunedEndpoint", TunedEndpoint.class)
			.withPropertyValues("ws-pubsub.max-payload-length=1MB", "ws-pubsub.idle-timeout=30s",
					"ws-pubsub.per-message-deflate.enabled=true", "ws-pubsub.publish-to-self=true")
			.run((context) -> {
				EndpointSettings echo = context.getBean(WsHandlerMapping.class).endpoints().get("/echo");
				assertThat(echo.maxPayloadLength()).isEqualTo(1024 * 1024);
				assertThat(echo.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(echo.deflate().enabled()).isTrue();
				assertThat(echo.publishToSelf()).isTrue();
				EndpointSettings tuned = context.getBean(WsHandlerMapping.class).endpoints().get("/tuned");
				assertThat(tuned.maxPayloadLength()).isEqualTo(64 * 1024);
				assertThat(tuned.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(tuned.deflate().enabled()).isFalse();
				assertThat(tuned.publishToSelf()).isTrue();
			});
	}

	@Test
	void reactiveAppOnReactorNettyGetsTheWholeRuntime() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(TopicRegistry.class)
			.hasSingleBean(PublishRouter.class)
			.hasSingleBean(PayloadEncoder.class)
			.hasSingleBean(SessionRegistry.class)
			.hasSingleBean(WsServer.class)
			.hasSingleBean(WsHandlerMapping.class)
			.getBean(Fanout.class)
			.isInstanceOf(LocalFanout.class));
	}

	@Test
	void payloadEncoderUsesTheApplicationsJsonMapper() {
		this.contextRunner.run((context) -> assertThat(context.getBean(PayloadEncoder.class).objectMapper())
			.isSameAs(context.getBean(JsonMapper.class)));
	}

	@Test
	void userDefinedTopicRegistryReplacesTheAutoConfiguredOne() {
		TopicRegistry registry = new TopicRegistry();
		this.contextRunner.withBean(TopicRegistry.class, () -> registry)
			.run((context) -> assertThat(context).getBean(TopicRegistry.class).isSameAs(registry));
	}

	@Test
	void userDefinedFanoutReplacesTheLocalOne() {
		this.contextRunner.withUserConfiguration(CustomFanoutConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(Fanout.class)
				.getBean(Fanout.class)
				.isInstanceOf(NamedFanout.class));
	}

	@Test
	void userDefinedWsServerReplacesTheAutoConfiguredOne() {
		WsServer server = mock(WsServer.class);
		this.contextRunner.withBean(WsServer.class, () -> server)
			.run((context) -> assertThat(context).hasSingleBean(WsServer.class)
				.getBean(WsServer.class)
				.isSameAs(server));
	}

	@Test
	void userDefinedPayloadEncoderReplacesTheAutoConfiguredOne() {
		PayloadEncoder encoder = new PayloadEncoder(JsonMapper.builder().build(), ByteBufAllocator.DEFAULT);
		this.contextRunner.withBean(PayloadEncoder.class, () -> encoder)
			.run((context) -> assertThat(context).hasSingleBean(PayloadEncoder.class)
				.getBean(PayloadEncoder.class)
				.isSameAs(encoder));
	}

	@Test
	void enabledFalseTurnsWsPubSubOff() {
		this.contextRunner.withBean("echoEndpoint", EchoEndpoint.class)
			.withPropertyValues("ws-pubsub.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WsPubSubProperties.class)
				.doesNotHaveBean(WsServer.class)
				.doesNotHaveBean(WsHandlerMapping.class));
	}

	@Test
	void servletAppGetsNothing() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WsPubSubProperties.class)
				.doesNotHaveBean(WsServer.class));
	}

	@Test
	void servletAppWithAnEndpointFailsNamingTheBeanAndTheFix() {
		ExpectedLog.startupFailure(() -> new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class,
					WsPubSubServletGuardAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withBean("echoEndpoint", EchoEndpoint.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure().isInstanceOf(WsPubSubConfigurationException.class);
				FailureAnalysis analysis = new WsPubSubFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("[echoEndpoint]", "servlet");
				assertThat(analysis.getAction()).contains("spring-boot-starter-webflux");
			}));
	}

	@Test
	void validOnAMessageWithoutAValidatorFailsNamingTheMethodAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("validatedEndpoint", ValidatedEndpoint.class)
			.run((context) -> assertStartupFailure(context, "spring-boot-starter-validation",
					"ValidatedEndpoint.join(JoinRoom)", "'validatedEndpoint'", "@Valid")));
	}

	@Test
	void nonWebAppGetsNothing() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WsPubSubAutoConfiguration.class, JacksonAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WsServer.class));
	}

	@Test
	void reactiveAppWithoutReactorNettyGetsNothing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WsPubSubProperties.class)
				.doesNotHaveBean(WsServer.class));
	}

	@Test
	void twoEndpointsOnOnePathFailWithBothBeansAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("firstChat", EchoEndpoint.class)
			.withBean("secondChat", OtherEchoEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Give each @WsEndpoint bean its own path",
					"'firstChat' (" + EchoEndpoint.class.getName() + ")",
					"'secondChat' (" + OtherEchoEndpoint.class.getName() + ")", "define the same path: /echo")));
	}

	@Test
	void componentScannedEndpointsOnOnePathFailWithTheSameMessage() {
		ExpectedLog.startupFailure(() -> // Bean names come from the class, not from the
											// path held in @WsEndpoint's value.
		this.contextRunner.withUserConfiguration(ScanEchoEndpoints.class)
			.run((context) -> assertStartupFailure(context, "Give each @WsEndpoint bean its own path",
					"'wsPubSubAutoConfigurationTests.EchoEndpoint'",
					"'wsPubSubAutoConfigurationTests.OtherEchoEndpoint'", "define the same path: /echo")));
	}

	@Test
	void twoOnOpenMethodsFailWithBothMethodsAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("lobby", TwoOnOpenEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Fix the methods named above", "bean 'lobby'",
					"TwoOnOpenEndpoint.greet(WsSession) of bean 'lobby'",
					"TwoOnOpenEndpoint.count(WsSession) of bean 'lobby'", "at most one @OnOpen: keep one")));
	}

	@Test
	void unsupportedParameterTypeFailsWithTheParameterTheMethodAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("lobby", UnsupportedParameterEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Fix the methods named above",
					"parameter 2 (Thread) of @OnOpen method UnsupportedParameterEndpoint.open(WsSession, Thread)"
							+ " of bean 'lobby' is not supported",
					"remove the parameter")));
	}

	@Test
	void anOnTopicResetParameterOtherThanTheTopicAndPositionFailsWithWhatItTakes() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("lobby", UnsupportedResetParameterEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Fix the methods named above",
					"parameter 2 (long) of @OnTopicReset method UnsupportedResetParameterEndpoint.reset(String, long)"
							+ " of bean 'lobby' is not supported",
					"@OnTopicReset methods take WsSession, UpgradeRequest, Principal, String (the topic), StreamPosition")));
	}

	@Test
	void duplicatedMessageTypeFailsWithBothMethodsAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("chat", DuplicateTypeEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Fix the methods named above",
					"bean 'chat' has 2 @OnMessage(\"join\") methods",
					"DuplicateTypeEndpoint.join(WsSession, String) of bean 'chat'",
					"DuplicateTypeEndpoint.alsoJoin(String) of bean 'chat'", "give each message type one handler")));
	}

	@Test
	void rawOnMessageWithoutStringOrBytesFailsWithTheMethodAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("chat", RawWithoutPayloadEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Fix the methods named above",
					"@OnMessage method RawWithoutPayloadEndpoint.raw(WsSession) of bean 'chat'",
					"no String, byte[] or ByteBuffer parameter", "name the type, such as @OnMessage(\"join_room\")")));
	}

	@Test
	void pathWithoutALeadingSlashFailsWithTheBeanAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean("relative", RelativePathEndpoint.class)
			.run((context) -> assertStartupFailure(context, "Give it a path that starts with '/'",
					"@WsEndpoint bean 'relative' (" + RelativePathEndpoint.class.getName() + ") has path 'ws'")));
	}

	@Test
	void nonNettyReactiveServerFailsNamingTheServerAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withBean(TomcatReactiveWebServerFactory.class)
			.run((context) -> assertStartupFailure(context, "Remove the other server starter",
					"ws-pubsub needs the Reactor Netty server", TomcatReactiveWebServerFactory.class.getName())));
	}

	@Test
	void nonNettyServerIsAcceptedWhenWsPubSubIsDisabled() {
		this.contextRunner.withBean(TomcatReactiveWebServerFactory.class)
			.withPropertyValues("ws-pubsub.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WsServer.class));
	}

	@Test
	void maxPayloadLengthOverTwoGigabytesFailsNamingThePropertyAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withPropertyValues("ws-pubsub.max-payload-length=3GB")
			.run((context) -> assertStartupFailure(context, "Set ws-pubsub.max-payload-length between 1B and 2GB",
					"ws-pubsub.max-payload-length is 3221225472B")));
	}

	@Test
	void serverRunsOnOneIoThreadPerAvailableProcessorByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasBean("wsPubSubIoThreadsCustomizer");
			assertThat(context.getBean(IoThreads.class).count()).isEqualTo(Runtime.getRuntime().availableProcessors());
		});
	}

	@Test
	void ioThreadsSetsTheNumberOfIoThreads() {
		this.contextRunner.withPropertyValues("ws-pubsub.io-threads=3")
			.run((context) -> assertThat(context.getBean(IoThreads.class).count()).isEqualTo(3));
	}

	@Test
	void ioThreadsBelowOneFailsNamingThePropertyAndTheFix() {
		ExpectedLog.startupFailure(() -> this.contextRunner.withPropertyValues("ws-pubsub.io-threads=0")
			.run((context) -> assertStartupFailure(context, "Set ws-pubsub.io-threads to 1 or more",
					"ws-pubsub.io-threads is 0.")));
	}

	@Test
	void reactorNettyIoWorkerCountSystemPropertyLeavesReactorsLoopsAlone() {
		this.contextRunner.withSystemProperties("reactor.netty.ioWorkerCount=5")
			.withPropertyValues("ws-pubsub.io-threads=0")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(IoThreads.class)
				.doesNotHaveBean("wsPubSubIoThreadsCustomizer"));
	}

	@Test
	void failureAnalyzerSplitsTheExceptionIntoDescriptionAndAction() {
		WsPubSubConfigurationException exception = new WsPubSubConfigurationException(
				"Bean 'chat' method ChatEndpoint.open(WsSession) is broken.", "Fix ChatEndpoint.open.");
		FailureAnalysis analysis = new WsPubSubFailureAnalyzer()
			.analyze(new IllegalStateException("Context failed", new RuntimeException("wrapped", exception)));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo("Bean 'chat' method ChatEndpoint.open(WsSession) is broken.");
		assertThat(analysis.getAction()).isEqualTo("Fix ChatEndpoint.open.");
		assertThat(analysis.getCause()).isSameAs(exception);
	}

	@Test
	void withLocalFanoutTheNodeIdIsRandomPerStartAndNotTakenFromTheRedisProperty() {
		this.contextRunner.withPropertyValues("ws-pubsub.fanout.redis.node-id=node-7").run((context) -> {
			assertThat(context.getBean(WsServer.class).nodeId()).hasSize(8).isNotEqualTo("node-7");
			assertThat(context.getBean(WsPubSubProperties.class).getFanout().getRedis().getNodeId())
				.isEqualTo("node-7");
		});
	}

	@Test
	void failureAnalyzerIgnoresOtherFailures() {
		assertThat(new WsPubSubFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
	}

	/**
	 * Asserts that start-up failed with a {@link WsPubSubConfigurationException} and that
	 * the failure analysis Spring Boot prints has the given description fragments and
	 * action.
	 */
	private static void assertStartupFailure(AssertableReactiveWebApplicationContext context, String action,
			String... description) {
		assertThat(context).hasFailed();
		assertThat(context).getFailure().rootCause().isInstanceOf(WsPubSubConfigurationException.class);
		FailureAnalysis analysis = new WsPubSubFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
		assertThat(analysis.getDescription()).contains(description);
		assertThat(analysis.getAction()).contains(action);
	}

	@WsEndpoint("/echo")
	static class EchoEndpoint {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	@WsEndpoint("/validated")
	static class ValidatedEndpoint {

		@OnMessage("join")
		void join(@jakarta.validation.Valid JoinRoom message) {
		}

		record JoinRoom(@jakarta.validation.constraints.NotBlank String room) {
		}

	}

	@WsEndpoint("/echo")
	static class OtherEchoEndpoint {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	@WsEndpoint(path = "/tuned", maxPayloadLength = "64KB", idleTimeout = "10s", perMessageDeflate = "false")
	static class TunedEndpoint {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	@WsEndpoint("/lobby")
	static class TwoOnOpenEndpoint {

		@OnOpen
		void greet(WsSession<?> ws) {
		}

		@OnOpen
		void count(WsSession<?> ws) {
		}

	}

	@WsEndpoint("/lobby")
	static class UnsupportedParameterEndpoint {

		@OnOpen
		void open(WsSession<?> ws, Thread thread) {
		}

	}

	@WsEndpoint("/lobby")
	static class UnsupportedResetParameterEndpoint {

		@OnTopicReset
		String reset(String topic, long offset) {
			return topic + offset;
		}

	}

	@WsEndpoint("/chat")
	static class DuplicateTypeEndpoint {

		@OnMessage("join")
		void join(WsSession<?> ws, String room) {
		}

		@OnMessage("join")
		void alsoJoin(String room) {
		}

	}

	@WsEndpoint("/chat")
	static class RawWithoutPayloadEndpoint {

		@OnMessage
		void raw(WsSession<?> ws) {
		}

	}

	@WsEndpoint("ws")
	static class RelativePathEndpoint {

	}

	@Configuration(proxyBeanMethods = false)
	@ComponentScan(basePackageClasses = WsPubSubAutoConfigurationTests.class, useDefaultFilters = false,
			includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE,
					classes = { EchoEndpoint.class, OtherEchoEndpoint.class }))
	static class ScanEchoEndpoints {

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomFanoutConfiguration {

		@Bean
		Fanout customFanout() {
			return new NamedFanout();
		}

	}

	static class NamedFanout implements Fanout {

		@Override
		public void forward(String topic, OutboundMessage message) {
		}

		@Override
		public String mode() {
			return "custom";
		}

	}

}
