package dev.wspubsub.internal.security;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import dev.wspubsub.internal.transport.ConnectionHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guard wraps the endpoint's handler: every event, those with a default in
 * {@link ConnectionHandler} too, must reach the endpoint, or an endpoint behind security
 * would silently lose, say, its {@code @OnTopicReset} notice.
 */
class DelegatingConnectionHandlerTests {

	@Test
	void everyEventOfTheHandlerIsPassedOnIncludingThoseWithADefault() {
		List<String> notPassedOn = Arrays.stream(ConnectionHandler.class.getMethods())
			.filter((method) -> !Modifier.isStatic(method.getModifiers()))
			.filter((method) -> !overriddenByDelegate(method))
			.map(Method::getName)
			.toList();
		assertThat(notPassedOn).isEmpty();
	}

	private static boolean overriddenByDelegate(Method method) {
		try {
			return DelegatingConnectionHandler.class.getDeclaredMethod(method.getName(),
					method.getParameterTypes()) != null;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

}
