package dev.wspubsub.internal.endpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.annotation.WsEndpoint;
import dev.wspubsub.internal.dispatch.HandlerInvoker;
import dev.wspubsub.internal.transport.EndpointSettings;
import dev.wspubsub.internal.transport.SessionRegistry;
import dev.wspubsub.internal.transport.Upgrader;
import dev.wspubsub.spi.PayloadValidator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Maps the path of every {@code @WsEndpoint} bean to its handler, ahead of the
 * application's controllers and router functions, so the upgrade goes through the regular
 * WebFlux chain and its filters.
 */
public final class WsHandlerMapping extends AbstractHandlerMapping {

	private final Map<PathPattern, EndpointWebHandler> handlers;

	private WsHandlerMapping(Map<PathPattern, EndpointWebHandler> handlers) {
		this.handlers = handlers;
		setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
	}

	/**
	 * Scans the context's {@code @WsEndpoint} beans, validates them, and guards each with
	 * {@code guard}.
	 */
	public static WsHandlerMapping scan(ApplicationContext context, EndpointSettings defaults, Upgrader upgrader,
			SessionRegistry sessions, ObjectMapper objectMapper, @Nullable PayloadValidator validator,
			Executor blockingExecutor, EndpointGuard guard) {
		EndpointScanner scanner = new EndpointScanner();
		SettingsResolver settingsResolver = new SettingsResolver(defaults, context.getEnvironment());
		Map<String, List<EndpointDefinition>> byPath = new LinkedHashMap<>();
		for (String beanName : context.getBeanNamesForAnnotation(WsEndpoint.class)) {
			EndpointDefinition endpoint = scanner.scan(beanName, context.getBean(beanName));
			byPath.computeIfAbsent(endpoint.path(), (path) -> new ArrayList<>()).add(endpoint);
		}
		validate(byPath, validator != null);
		PathPatternParser parser = PathPatternParser.defaultInstance;
		Map<PathPattern, EndpointWebHandler> handlers = new LinkedHashMap<>();
		HandlerInvoker invoker = new HandlerInvoker(blockingExecutor, sessions.metrics());
		byPath.forEach((path, endpoints) -> {
			EndpointDefinition endpoint = endpoints.get(0);
			EndpointSettings settings = settingsResolver.resolve(endpoint);
			MessageDispatcher dispatcher = new MessageDispatcher(endpoint, objectMapper, validator, invoker);
			handlers.put(parser.parse(path),
					new EndpointWebHandler(endpoint, settings, dispatcher, upgrader, sessions, guard));
		});
		return new WsHandlerMapping(handlers);
	}

	/**
	 * The checks across endpoints, shared with the build-time check of AOT processing:
	 * one endpoint per path, and no {@code @Valid} message parameter when there is no
	 * validator.
	 */
	static void validate(Map<String, List<EndpointDefinition>> byPath, boolean validatorPresent) {
		if (!validatorPresent) {
			requireNoValidation(byPath);
		}
		List<String> clashes = new ArrayList<>();
		byPath.forEach((path, endpoints) -> {
			if (endpoints.size() > 1) {
				clashes.add(
						"Multiple endpoints "
								+ endpoints.stream()
									.map(EndpointDefinition::describe)
									.collect(Collectors.joining(", ", "[", "]"))
								+ " define the same path: " + path + ".");
			}
		});
		if (!clashes.isEmpty()) {
			throw new WsPubSubConfigurationException(String.join(" ", clashes),
					"Give each @WsEndpoint bean its own path, or merge their handlers into one bean.");
		}
	}

	/**
	 * A {@code @Valid} message parameter without a Validator would go unchecked: refuse
	 * to start.
	 */
	private static void requireNoValidation(Map<String, List<EndpointDefinition>> byPath) {
		for (List<EndpointDefinition> endpoints : byPath.values()) {
			for (EndpointDefinition endpoint : endpoints) {
				for (HandlerMethod handler : endpoint.typedMessages().values()) {
					if (handler.validated()) {
						throw new WsPubSubConfigurationException(
								"@Valid on the message parameter of " + handler.describe()
										+ " would not be checked: there is no Bean Validation provider.",
								"Add spring-boot-starter-validation to the dependencies, or remove @Valid.");
					}
				}
			}
		}
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		for (Map.Entry<PathPattern, EndpointWebHandler> entry : this.handlers.entrySet()) {
			if (entry.getKey().matches(path)) {
				return Mono.just(entry.getValue());
			}
		}
		return Mono.empty();
	}

	/** The effective settings of each endpoint, by path. */
	public Map<String, EndpointSettings> endpoints() {
		Map<String, EndpointSettings> endpoints = new LinkedHashMap<>();
		this.handlers.values().forEach((handler) -> endpoints.put(handler.settings().path(), handler.settings()));
		return Collections.unmodifiableMap(endpoints);
	}

}
