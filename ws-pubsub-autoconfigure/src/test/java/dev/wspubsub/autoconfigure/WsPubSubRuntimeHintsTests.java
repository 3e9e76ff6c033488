package dev.wspubsub.autoconfigure;

import dev.wspubsub.internal.actuate.WsPubSubEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints of ws-pubsub's own reflective types, as AOT processing finds them through
 * aot.factories.
 */
class WsPubSubRuntimeHintsTests {

	private static final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	@Test
	void propertiesAndTheActuatorEndpointGetHintsFromTheRegisteredRegistrar() {
		RuntimeHints hints = new RuntimeHints();
		AotServices.factories()
			.load(RuntimeHintsRegistrar.class)
			.stream()
			.filter(WsPubSubRuntimeHints.class::isInstance)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		assertThat(hints)
			// bound by Boot's binder, nested groups included
			.matches(reflection.onMethodInvocation(WsPubSubProperties.class, "setIdleTimeout"))
			.matches(reflection.onMethodInvocation(WsPubSubProperties.PerMessageDeflate.class, "setEnabled"))
			.matches(reflection.onMethodInvocation(WsPubSubProperties.RateLimit.class, "setBurst"))
			// operations invoked by Actuator, and descriptors behind the detail
			// operation's interface type
			.matches(reflection.onMethodInvocation(WsPubSubEndpoint.class, "node"))
			.matches(reflection.onMethodInvocation(WsPubSubEndpoint.class, "detail"))
			.matches(reflection.onMethodInvocation(WsPubSubEndpoint.class, "publish"))
			.matches(reflection.onMethodInvocation(WsPubSubEndpoint.SessionDescriptor.class, "subscriptions"))
			.matches(reflection.onMethodInvocation(WsPubSubEndpoint.TopicDescriptor.class, "localSubscribers"));
	}

}
