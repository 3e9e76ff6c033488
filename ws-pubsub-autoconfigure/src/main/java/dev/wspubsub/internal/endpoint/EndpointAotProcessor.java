package dev.wspubsub.internal.endpoint;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wspubsub.annotation.Topic;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.spi.PayloadValidator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import tools.jackson.databind.JsonNode;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Build-time side of what ws-pubsub finds and calls by reflection at start-up. During AOT
 * processing it reads every {@code @WsEndpoint} bean and {@code @Topic} method, refuses
 * with the start-up messages what start-up would refuse, and contributes the reflection
 * hints a native image needs: the handler and topic methods, the record types Jackson
 * binds messages to and from, and the fields and accessors of {@code @Valid} message
 * types.
 */
final class EndpointAotProcessor implements BeanFactoryInitializationAotProcessor {

	/** Types the dispatcher passes through or writes itself, without Jackson binding. */
	private static final Set<Class<?>> UNBOUND = Set.of(void.class, Void.class, Object.class, String.class,
			byte[].class, ByteBuffer.class, JsonNode.class);

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		// Where ws-pubsub is not configured (disabled, or not a reactive web application)
		// start-up scans nothing and
		// calls nothing: neither does the build, and nothing needs hints.
		boolean scanEndpoints = present(beanFactory, WsHandlerMapping.class);
		boolean scanTopics = present(beanFactory, TopicMethodRegistrar.class);
		EndpointScanner scanner = new EndpointScanner();
		Map<String, List<EndpointDefinition>> byPath = new LinkedHashMap<>();
		List<Method> topicMethods = new ArrayList<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> beanType = beanFactory.getType(beanName, false);
			if (beanType == null) {
				continue;
			}
			Class<?> type = ClassUtils.getUserClass(beanType);
			if (scanEndpoints && AnnotatedElementUtils.hasAnnotation(type, WsEndpoint.class)) {
				EndpointDefinition endpoint = scanner.scan(beanName, type);
				byPath.computeIfAbsent(endpoint.path(), (path) -> new ArrayList<>()).add(endpoint);
			}
			if (scanTopics) {
				topicMethods(type).forEach((method, topic) -> {
					TopicMethodRegistrar.validate(HandlerMethod.describe(beanName, method), method, topic.value());
					topicMethods.add(method);
				});
			}
		}
		if (scanEndpoints) {
			WsHandlerMapping.validate(byPath, present(beanFactory, PayloadValidator.class));
		}
		if (byPath.isEmpty() && topicMethods.isEmpty()) {
			return null;
		}
		List<EndpointDefinition> endpoints = byPath.values().stream().flatMap(List::stream).toList();
		return (generationContext, code) -> registerHints(generationContext.getRuntimeHints().reflection(), endpoints,
				topicMethods);
	}

	private static boolean present(ConfigurableListableBeanFactory beanFactory, Class<?> type) {
		return beanFactory.getBeanNamesForType(type, true, false).length > 0;
	}

	private static Map<Method, Topic> topicMethods(Class<?> type) {
		return MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<Topic>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, Topic.class));
	}

	static void registerHints(ReflectionHints reflection, List<EndpointDefinition> endpoints,
			List<Method> topicMethods) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (EndpointDefinition endpoint : endpoints) {
			// the annotations and handler methods are looked up on the class at start-up
			reflection.registerType(endpoint.beanType(), MemberCategory.INTROSPECT_DECLARED_METHODS);
			for (HandlerMethod handler : handlers(endpoint)) {
				reflection.registerMethod(handler.method(), ExecutableMode.INVOKE);
				bind(binding, reflection, ResolvableType.forMethodReturnType(handler.method()));
				Class<?> payload = handler.payloadType();
				if (payload != null && handler.kind() == HandlerKind.MESSAGE && !UNBOUND.contains(payload)) {
					bind(binding, reflection, ResolvableType.forClass(payload));
					if (handler.validated()) {
						// Bean Validation reads constraints from fields and calls
						// accessors reflectively
						reflection.registerType(payload, MemberCategory.ACCESS_DECLARED_FIELDS,
								MemberCategory.INVOKE_DECLARED_METHODS);
					}
				}
			}
		}
		for (Method method : topicMethods) {
			reflection.registerType(method.getDeclaringClass(), MemberCategory.INTROSPECT_DECLARED_METHODS);
			reflection.registerMethod(method, ExecutableMode.INVOKE);
			if (method.getParameterCount() == 1) {
				bind(binding, reflection, ResolvableType.forMethodParameter(method, 0));
			}
			else {
				bind(binding, reflection, ResolvableType.forMethodReturnType(method));
			}
		}
	}

	/**
	 * Registers a bound type: the element type of a Publisher rather than the Publisher,
	 * the type arguments of a generic type ({@code List<Message>}), and the permitted
	 * subtypes of a sealed type, which Jackson writes by their runtime class. Classes,
	 * not generic types, go to the registrar: a Publisher's element type reached through
	 * its type variable would be registered as nothing.
	 */
	private static void bind(BindingReflectionHintsRegistrar binding, ReflectionHints reflection, ResolvableType type) {
		ResolvableType bound = Publisher.class.isAssignableFrom(type.toClass()) ? type.as(Publisher.class).getGeneric(0)
				: type;
		Class<?> raw = bound.resolve();
		if (raw == null || UNBOUND.contains(raw) || raw.isPrimitive()) {
			return;
		}
		binding.registerReflectionHints(reflection, raw);
		bindPermitted(binding, reflection, raw);
		for (ResolvableType generic : bound.getGenerics()) {
			bind(binding, reflection, generic);
		}
	}

	private static void bindPermitted(BindingReflectionHintsRegistrar binding, ReflectionHints reflection,
			Class<?> type) {
		if (type.isSealed()) {
			for (Class<?> permitted : type.getPermittedSubclasses()) {
				binding.registerReflectionHints(reflection, permitted);
				bindPermitted(binding, reflection, permitted);
			}
		}
	}

	private static List<HandlerMethod> handlers(EndpointDefinition endpoint) {
		List<HandlerMethod> handlers = new ArrayList<>();
		for (HandlerMethod handler : new HandlerMethod[] { endpoint.onUpgrade(), endpoint.onOpen(), endpoint.onClose(),
				endpoint.onDrain(), endpoint.onPing(), endpoint.onPong(), endpoint.rawText(), endpoint.rawBinary(),
				endpoint.onTopicReset() }) {
			if (handler != null) {
				handlers.add(handler);
			}
		}
		handlers.addAll(endpoint.onError());
		handlers.addAll(endpoint.typedMessages().values());
		return handlers;
	}

}
