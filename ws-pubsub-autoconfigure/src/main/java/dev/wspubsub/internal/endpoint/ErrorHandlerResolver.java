package dev.wspubsub.internal.endpoint;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Finds the {@code @OnError} method of an endpoint for a failure: the one whose
 * {@code Throwable} parameter is the most specific type the failure is an instance of (a
 * method without one handles any {@code Throwable}). The answer depends only on the
 * failure's class, so it is worked out once per class and cached: a client that keeps
 * sending bad input costs a map lookup, not a scan of the methods.
 */
final class ErrorHandlerResolver {

	private final List<HandlerMethod> handlers;

	/** What each handler takes, in the order of {@link #handlers}. */
	private final List<Class<?>> handledTypes;

	/** Bounded by the failure classes the JVM has loaded. */
	private final Map<Class<?>, Optional<HandlerMethod>> cache = new ConcurrentHashMap<>();

	ErrorHandlerResolver(List<HandlerMethod> handlers) {
		this.handlers = List.copyOf(handlers);
		this.handledTypes = this.handlers.stream().map(ErrorHandlerResolver::handledType).toList();
	}

	private static Class<?> handledType(HandlerMethod handler) {
		Class<?> handled = Throwable.class;
		for (Class<?> type : handler.parameterTypes()) {
			if (Throwable.class.isAssignableFrom(type)) {
				handled = type;
			}
		}
		return handled;
	}

	/** The handler for {@code error}, or {@code null} when none takes it. */
	@Nullable HandlerMethod resolve(Throwable error) {
		if (this.handlers.isEmpty()) {
			return null;
		}
		return this.cache.computeIfAbsent(error.getClass(), this::find).orElse(null);
	}

	private Optional<HandlerMethod> find(Class<?> errorType) {
		HandlerMethod best = null;
		Class<?> bestType = null;
		for (int i = 0; i < this.handlers.size(); i++) {
			Class<?> handled = this.handledTypes.get(i);
			if (handled.isAssignableFrom(errorType) && (bestType == null || bestType.isAssignableFrom(handled))) {
				best = this.handlers.get(i);
				bestType = handled;
			}
		}
		return Optional.ofNullable(best);
	}

}
