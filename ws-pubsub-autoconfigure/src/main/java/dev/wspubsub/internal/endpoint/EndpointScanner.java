package dev.wspubsub.internal.endpoint;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.wspubsub.StreamPosition;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.WsSession;
import dev.wspubsub.annotation.OnMessage;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.internal.transport.WsConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads a {@code @WsEndpoint} bean into an {@link EndpointDefinition}, and refuses, with
 * every offender named and the fix, what cannot work.
 */
final class EndpointScanner {

	private static final String VALIDATED = "jakarta.validation.Valid";

	private static final String SPRING_VALIDATED = "org.springframework.validation.annotation.Validated";

	/**
	 * Placeholder bean of a definition read from a class alone; its handler methods are
	 * never invoked.
	 */
	private static final Object NOT_INSTANTIATED = new Object();

	EndpointDefinition scan(String beanName, Object bean) {
		return scan(beanName, AopUtils.getTargetClass(bean), bean.getClass(), bean);
	}

	/**
	 * Reads an endpoint class without an instance, with the same checks and messages as
	 * at start-up: AOT processing validates endpoints and derives their hints at build
	 * time, before any bean exists.
	 */
	EndpointDefinition scan(String beanName, Class<?> type) {
		return scan(beanName, type, type, NOT_INSTANTIATED);
	}

	private EndpointDefinition scan(String beanName, Class<?> type, Class<?> invocableType, Object bean) {
		WsEndpoint annotation = AnnotatedElementUtils.findMergedAnnotation(type, WsEndpoint.class);
		if (annotation == null) {
			throw new IllegalArgumentException("Bean '" + beanName + "' is not annotated with @WsEndpoint");
		}
		String path = annotation.path();
		if (path.isEmpty() || !path.startsWith("/")) {
			throw new WsPubSubConfigurationException(
					"@WsEndpoint bean '" + beanName + "' (" + type.getName() + ") has path '" + path + "'.",
					"Give it a path that starts with '/', such as @WsEndpoint(\"/ws\").");
		}
		List<String> problems = new ArrayList<>();
		Map<HandlerKind, List<HandlerMethod>> byKind = new EnumMap<>(HandlerKind.class);
		Map<String, List<HandlerMethod>> typed = new LinkedHashMap<>();
		List<HandlerMethod> rawText = new ArrayList<>();
		List<HandlerMethod> rawBinary = new ArrayList<>();
		Map<Method, Boolean> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<Boolean>) (method) -> isHandler(method) ? Boolean.TRUE : null);
		for (Method candidate : methods.keySet()) {
			Method method = AopUtils.selectInvocableMethod(candidate, invocableType);
			List<HandlerKind> kinds = kindsOf(method);
			if (kinds.size() > 1) {
				problems.add(HandlerMethod.describe(beanName, method) + " has " + kinds.size()
						+ " handler annotations; give each method one.");
				continue;
			}
			HandlerMethod handler = build(bean, beanName, method, kinds.get(0), problems);
			if (handler == null) {
				continue;
			}
			if (handler.kind() == HandlerKind.MESSAGE) {
				String messageType = method.getAnnotation(OnMessage.class).value();
				if (!messageType.isEmpty()) {
					typed.computeIfAbsent(messageType, (key) -> new ArrayList<>()).add(handler);
				}
				else if (handler.payloadType() == String.class) {
					rawText.add(handler);
				}
				else {
					rawBinary.add(handler);
				}
			}
			else {
				byKind.computeIfAbsent(handler.kind(), (key) -> new ArrayList<>()).add(handler);
			}
		}
		for (Map.Entry<HandlerKind, List<HandlerMethod>> entry : byKind.entrySet()) {
			if (entry.getKey() != HandlerKind.ERROR && entry.getValue().size() > 1) {
				problems.add("bean '" + beanName + "' has " + entry.getValue().size() + " "
						+ entry.getKey().annotationName() + " methods " + entry.getValue()
						+ "; an endpoint has at most one " + entry.getKey().annotationName() + ": keep one.");
			}
		}
		typed.forEach((messageType, handlers) -> {
			if (handlers.size() > 1) {
				problems.add("bean '" + beanName + "' has " + handlers.size() + " @OnMessage(\"" + messageType
						+ "\") methods " + handlers + "; give each message type one handler.");
			}
		});
		if (rawText.size() > 1) {
			problems.add("bean '" + beanName + "' has " + rawText.size() + " raw text @OnMessage methods " + rawText
					+ "; keep one String handler, or give the others a type: @OnMessage(\"type\").");
		}
		if (rawBinary.size() > 1) {
			problems.add("bean '" + beanName + "' has " + rawBinary.size() + " raw binary @OnMessage methods "
					+ rawBinary + "; keep one byte[] or ByteBuffer handler.");
		}
		if (!problems.isEmpty()) {
			throw new WsPubSubConfigurationException(
					"Invalid @WsEndpoint bean '" + beanName + "' (" + type.getName() + "): "
							+ String.join(" Also: ", problems),
					"Fix the methods named above; see the Javadoc of each annotation for what it accepts.");
		}
		Map<String, HandlerMethod> typedHandlers = new LinkedHashMap<>();
		typed.forEach((key, handlers) -> typedHandlers.put(key, handlers.get(0)));
		return new EndpointDefinition(beanName, type, path, annotation, first(byKind, HandlerKind.UPGRADE),
				first(byKind, HandlerKind.OPEN), first(byKind, HandlerKind.CLOSE), first(byKind, HandlerKind.DRAIN),
				first(byKind, HandlerKind.PING), first(byKind, HandlerKind.PONG),
				byKind.getOrDefault(HandlerKind.ERROR, List.of()), typedHandlers,
				rawText.isEmpty() ? null : rawText.get(0), rawBinary.isEmpty() ? null : rawBinary.get(0),
				first(byKind, HandlerKind.TOPIC_RESET));
	}

	private static @Nullable HandlerMethod first(Map<HandlerKind, List<HandlerMethod>> byKind, HandlerKind kind) {
		List<HandlerMethod> handlers = byKind.get(kind);
		return (handlers != null) ? handlers.get(0) : null;
	}

	private static boolean isHandler(Method method) {
		return !kindsOf(method).isEmpty();
	}

	private static List<HandlerKind> kindsOf(Method method) {
		List<HandlerKind> kinds = new ArrayList<>(1);
		for (HandlerKind kind : HandlerKind.values()) {
			if (AnnotatedElementUtils.hasAnnotation(method, kind.annotation)) {
				kinds.add(kind);
			}
		}
		return kinds;
	}

	@SuppressWarnings("unchecked")
	private @Nullable HandlerMethod build(Object bean, String beanName, Method method, HandlerKind kind,
			List<String> problems) {
		Parameter[] parameters = method.getParameters();
		Function<CallContext, @Nullable Object>[] resolvers = new Function[parameters.length];
		Class<?> payloadType = null;
		boolean validated = false;
		boolean ok = true;
		for (int i = 0; i < parameters.length; i++) {
			Parameter parameter = parameters[i];
			Class<?> type = parameter.getType();
			Function<CallContext, @Nullable Object> resolver = PrincipalParameters.resolver(parameter);
			if (resolver == null) {
				resolver = commonResolver(type, kind);
			}
			if (resolver == null) {
				resolver = kindResolver(type, kind);
			}
			if (resolver == null && kind == HandlerKind.MESSAGE && payloadType == null) {
				payloadType = type;
				validated = isValidated(parameter);
				resolver = CallContext::payload;
			}
			if (resolver == null) {
				problems.add("parameter " + (i + 1) + " (" + type.getSimpleName() + ") of " + kind.annotationName()
						+ " method " + HandlerMethod.describe(beanName, method) + " is not supported: "
						+ kind.annotationName() + " methods take " + kind.allowedParameters
						+ "; remove the parameter.");
				ok = false;
				continue;
			}
			resolvers[i] = resolver;
		}
		if (kind == HandlerKind.MESSAGE) {
			OnMessage onMessage = method.getAnnotation(OnMessage.class);
			boolean raw = onMessage.value().isEmpty();
			boolean rawType = payloadType == String.class || payloadType == byte[].class
					|| payloadType == ByteBuffer.class;
			if (raw && !rawType) {
				problems.add("@OnMessage method " + HandlerMethod.describe(beanName, method)
						+ " has no type and no String, byte[] or ByteBuffer parameter; for JSON messages name the"
						+ " type, such as @OnMessage(\"join_room\"), or take the raw String.");
				ok = false;
			}
		}
		if (!ok) {
			return null;
		}
		boolean blocking = kind == HandlerKind.MESSAGE && method.getAnnotation(OnMessage.class).blocking();
		return new HandlerMethod(bean, beanName, method, kind, resolvers, payloadType, validated, blocking);
	}

	private static @Nullable Function<CallContext, @Nullable Object> commonResolver(Class<?> type, HandlerKind kind) {
		if (kind != HandlerKind.UPGRADE && (type == WsSession.class || type == WsConnection.class)) {
			return CallContext::session;
		}
		if (type == UpgradeRequest.class) {
			return CallContext::request;
		}
		if (Principal.class.isAssignableFrom(type)) {
			return (context) -> type.isInstance(context.principal()) ? context.principal() : null;
		}
		return null;
	}

	private static @Nullable Function<CallContext, @Nullable Object> kindResolver(Class<?> type, HandlerKind kind) {
		switch (kind) {
			case UPGRADE:
				return (type == ServerWebExchange.class) ? CallContext::exchange : null;
			case CLOSE:
				if (type == int.class || type == Integer.class) {
					return CallContext::closeCode;
				}
				return (type == String.class) ? CallContext::closeReason : null;
			case ERROR:
				return Throwable.class.isAssignableFrom(type) ? CallContext::error : null;
			case TOPIC_RESET:
				if (type == String.class) {
					return CallContext::topic;
				}
				return (type == StreamPosition.class) ? CallContext::position : null;
			case PING:
			case PONG:
				return (type == byte[].class) ? CallContext::payload : null;
			default:
				return null;
		}
	}

	/**
	 * Whether the parameter asks for validation: {@code @Valid} or {@code @Validated}.
	 */
	static boolean isValidated(Parameter parameter) {
		return MergedAnnotations.from(parameter).stream().anyMatch((annotation) -> {
			String name = annotation.getType().getName();
			return name.equals(VALIDATED) || name.equals(SPRING_VALIDATED);
		});
	}

}
