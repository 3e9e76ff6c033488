package dev.wspubsub.internal.endpoint;

import java.util.List;
import java.util.function.Predicate;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.OnOpen;
import dev.wspubsub.annotation.Topic;
import dev.wspubsub.annotation.WsEndpoint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertFalse;
import jakarta.validation.constraints.NotBlank;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * The build-time side of endpoint discovery: the hints a native image needs for a test
 * endpoint, and the start-up checks failing the AOT build with the start-up messages.
 */
class EndpointAotProcessorTests {

	private static final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void handlerMethodsMessageRecordsValidTargetsAndTopicMethodsGetHints() {
		configureWsPubSub(true);
		register("chat", ChatEndpoint.class);
		register("ticker", Ticker.class);
		RuntimeHints hints = hintsOf(this.beanFactory);
		assertThat(hints).matches(invocable(ChatEndpoint.class, "open"), "ChatEndpoint.open invocable")
			.matches(invocable(ChatEndpoint.class, "join"), "ChatEndpoint.join invocable")
			.matches(invocable(ChatEndpoint.class, "raw"), "ChatEndpoint.raw invocable")
			// Jackson reads the typed parameter and writes the return value, Mono or not
			.matches(invocable(Join.class, "room"), "Join.room invocable")
			.matches(reflection.onConstructorInvocation(Join.class.getDeclaredConstructors()[0]),
					"Join's constructor invocable")
			.matches(invocable(Joined.class, "members"), "Joined.members invocable")
			.matches(invocable(Welcome.class, "motd"), "Welcome.motd invocable")
			// a sealed return type is written by its runtime class
			.matches(invocable(Found.class, "name"), "Found.name invocable")
			.matches(invocable(Missing.class, "reason"), "Missing.reason invocable")
			// Bean Validation reads the constraint off the record's field and calls
			// constrained getters
			.matches(reflection.onFieldAccess(Join.class, "room"), "Join.room field accessible")
			.matches(invocable(Join.class, "isLobby"), "Join.isLobby invocable")
			.matches(invocable(Ticker.class, "ticks"), "Ticker.ticks invocable")
			.matches(invocable(Ticker.class, "audit"), "Ticker.audit invocable")
			.matches(invocable(Tick.class, "n"), "Tick.n invocable")
			.matches(invocable(Audit.class, "who"), "Audit.who invocable");
		// not validated: only what Jackson binds
		assertThat(hints).doesNotMatch(invocable(Audit.class, "isAnonymous"), "Audit.isAnonymous invocable");
	}

	private static Predicate<RuntimeHints> invocable(Class<?> type, String method) {
		return reflection.onMethodInvocation(type, method);
	}

	@Test
	void theProcessorIsRegisteredForAotProcessing() {
		assertThat(AotServices.factories().load(BeanFactoryInitializationAotProcessor.class))
			.anyMatch(EndpointAotProcessor.class::isInstance);
	}

	@Test
	void anInvalidEndpointFailsTheBuildWithTheMessageStartUpGives() {
		configureWsPubSub(true);
		register("twice", TwoOpens.class);
		String atStartUp = failure(() -> new EndpointScanner().scan("twice", new TwoOpens()));
		assertBuildFails().withMessage(atStartUp).withMessageContaining("@OnOpen");
	}

	@Test
	void twoEndpointsOnOnePathFailTheBuild() {
		configureWsPubSub(true);
		register("chat", ChatEndpoint.class);
		register("other", SamePath.class);
		assertBuildFails().withMessageContaining("define the same path: /chat.");
	}

	@Test
	void validWithoutAValidatorFailsTheBuild() {
		configureWsPubSub(false);
		register("chat", ChatEndpoint.class);
		assertBuildFails().withMessageContaining("would not be checked: there is no Bean Validation provider.");
	}

	@Test
	void aTopicMethodStartUpWouldRefuseFailsTheBuild() {
		configureWsPubSub(true);
		register("bad", BadTopic.class);
		assertBuildFails().withMessageContaining("@Topic(\"x\") method BadTopic.two(String, String) of bean 'bad'")
			.withMessageContaining("neither returns a Publisher with no parameters nor takes exactly one parameter.");
	}

	@Test
	void withoutWsPubSubConfiguredTheBuildChecksNothing() {
		// ws-pubsub.enabled=false or a servlet application: start-up does not scan, so
		// neither does the build
		register("twice", TwoOpens.class);
		register("bad", BadTopic.class);
		assertThat(new EndpointAotProcessor().processAheadOfTime(this.beanFactory)).isNull();
	}

	private ThrowableAssertAlternative<WsPubSubConfigurationException> assertBuildFails() {
		return assertThatExceptionOfType(WsPubSubConfigurationException.class)
			.isThrownBy(() -> new EndpointAotProcessor().processAheadOfTime(this.beanFactory));
	}

	private void configureWsPubSub(boolean validator) {
		// only the types matter: AOT processing creates no bean
		register("wsPubSubHandlerMapping", WsHandlerMapping.class);
		register("wsPubSubTopicMethodRegistrar", TopicMethodRegistrar.class);
		if (validator) {
			register("wsPubSubPayloadValidator", JakartaPayloadValidator.class);
		}
	}

	private void register(String name, Class<?> type) {
		this.beanFactory.registerBeanDefinition(name, new RootBeanDefinition(type));
	}

	private static RuntimeHints hintsOf(DefaultListableBeanFactory beanFactory) {
		BeanFactoryInitializationAotContribution contribution = new EndpointAotProcessor()
			.processAheadOfTime(beanFactory);
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(EndpointAotProcessorTests.class)), new InMemoryGeneratedFiles());
		contribution.applyTo(generationContext, mock(BeanFactoryInitializationCode.class));
		return generationContext.getRuntimeHints();
	}

	private static String failure(Runnable startUp) {
		try {
			startUp.run();
		}
		catch (WsPubSubConfigurationException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("start-up accepted the endpoint");
	}

	record Join(@NotBlank String room) {

		@AssertFalse
		boolean isLobby() {
			return "lobby".equals(this.room);
		}
	}

	record Joined(String room, List<String> members) {
	}

	record Welcome(String motd) {
	}

	sealed interface Lookup permits Found, Missing {

	}

	record Found(String name) implements Lookup {
	}

	record Missing(String reason) implements Lookup {
	}

	record Tick(long n) {
	}

	record Audit(String who) {

		boolean isAnonymous() {
			return this.who.isEmpty();
		}
	}

	@WsEndpoint("/chat")
	static class ChatEndpoint {

		@OnOpen
		Welcome open(WsSession<?> ws) {
			return new Welcome("hi");
		}

		@OnMessage("join")
		Mono<Joined> join(WsSession<?> ws, @Valid Join join) {
			return Mono.just(new Joined(join.room(), List.of()));
		}

		@OnMessage("lookup")
		Lookup lookup(Join join) {
			return new Missing("none");
		}

		@OnMessage
		void raw(String text) {
		}

	}

	@WsEndpoint("/chat")
	static class SamePath {

		@OnMessage
		void raw(String text) {
		}

	}

	@WsEndpoint("/twice")
	static class TwoOpens {

		@OnOpen
		void one() {
		}

		@OnOpen
		void two() {
		}

	}

	static class Ticker {

		@Topic("ticks")
		Flux<Tick> ticks() {
			return Flux.just(new Tick(1));
		}

		@Topic("audit")
		void audit(Audit audit) {
		}

	}

	static class BadTopic {

		@Topic("x")
		void two(String a, String b) {
		}

	}

}
