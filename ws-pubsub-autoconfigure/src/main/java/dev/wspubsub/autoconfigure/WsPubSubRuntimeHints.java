package dev.wspubsub.autoconfigure;

import java.lang.reflect.Method;

import dev.wspubsub.internal.actuate.WsPubSubEndpoint;
import dev.wspubsub.internal.client.ClientScript;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * Hints for ws-pubsub's own reflective types: its configuration properties, bound by
 * Boot's binder, and the {@code wspubsub} Actuator endpoint, whose operations Boot
 * invokes and whose descriptors it writes as JSON. The {@code detail} operation answers
 * with one of several descriptor records behind one interface, which Boot's own
 * processing of the operation's declared return type would miss. And the browser client,
 * served from the classpath.
 */
class WsPubSubRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ENDPOINT_ANNOTATION = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(WsPubSubProperties.class).registerHints(hints, classLoader);
		hints.resources().registerPattern(ClientScript.MODULE).registerPattern(ClientScript.TYPES);
		// The Redis history's Lua scripts, read beside their class.
		hints.resources().registerPattern("dev/wspubsub/internal/cluster/*.lua");
		// Actuator is optional: the endpoint's class cannot even be loaded without it
		if (ClassUtils.isPresent(ENDPOINT_ANNOTATION, classLoader)) {
			registerEndpoint(hints);
		}
	}

	private static void registerEndpoint(RuntimeHints hints) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (Method method : WsPubSubEndpoint.class.getDeclaredMethods()) {
			if (isOperation(method)) {
				hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
			}
		}
		for (Class<?> nested : WsPubSubEndpoint.class.getDeclaredClasses()) {
			if (nested.isRecord()) {
				binding.registerReflectionHints(hints.reflection(), nested);
			}
		}
	}

	private static boolean isOperation(Method method) {
		return method.isAnnotationPresent(ReadOperation.class) || method.isAnnotationPresent(WriteOperation.class)
				|| method.isAnnotationPresent(DeleteOperation.class);
	}

}
