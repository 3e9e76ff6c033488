package dev.wspubsub.internal.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @OnError} method an endpoint's failure goes to: the most specific one that
 * takes it, whatever the order of declaration, worked out once per failure class.
 */
class ErrorHandlerResolverTests {

	@Test
	void theMostSpecificHandlerWinsWhateverTheOrder() {
		HandlerMethod any = handler("any");
		HandlerMethod runtime = handler("runtime");
		HandlerMethod state = handler("state");
		for (List<HandlerMethod> order : List.of(List.of(any, runtime, state), List.of(state, runtime, any),
				List.of(runtime, any, state))) {
			ErrorHandlerResolver resolver = new ErrorHandlerResolver(order);
			assertThat(resolver.resolve(new IllegalStateException())).isSameAs(state);
			assertThat(resolver.resolve(new IllegalArgumentException())).isSameAs(runtime);
			assertThat(resolver.resolve(new IOException())).isSameAs(any);
		}
	}

	@Test
	void aHandlerWithoutAThrowableParameterTakesAnything() {
		HandlerMethod noArgument = handler("noArgument");
		ErrorHandlerResolver resolver = new ErrorHandlerResolver(List.of(noArgument));
		assertThat(resolver.resolve(new UncheckedIOException(new IOException()))).isSameAs(noArgument);
	}

	@Test
	void aFailureNoHandlerTakesResolvesToNone() {
		ErrorHandlerResolver resolver = new ErrorHandlerResolver(List.of(handler("state")));
		assertThat(resolver.resolve(new IllegalArgumentException())).isNull();
		assertThat(resolver.resolve(new IllegalArgumentException())).as("cached answer").isNull();
		assertThat(new ErrorHandlerResolver(List.of()).resolve(new RuntimeException())).isNull();
	}

	@Test
	void subclassesOfAHandledTypeAreResolvedEachOnItsOwn() {
		HandlerMethod runtime = handler("runtime");
		HandlerMethod state = handler("state");
		ErrorHandlerResolver resolver = new ErrorHandlerResolver(List.of(runtime, state));
		assertThat(resolver.resolve(new RuntimeException())).isSameAs(runtime);
		assertThat(resolver.resolve(new IllegalStateException())).as("not the answer cached for its superclass")
			.isSameAs(state);
	}

	private static HandlerMethod handler(String name) {
		Method method = Arrays.stream(Handlers.class.getDeclaredMethods())
			.filter((candidate) -> candidate.getName().equals(name))
			.findFirst()
			.orElseThrow();
		@SuppressWarnings("unchecked")
		Function<CallContext, Object>[] none = new Function[0];
		return new HandlerMethod(new Handlers(), "handlers", method, HandlerKind.ERROR, none, null, false, false);
	}

	static class Handlers {

		void any(Throwable error) {
		}

		void runtime(RuntimeException error) {
		}

		void state(IllegalStateException error) {
		}

		void noArgument() {
		}

	}

}
