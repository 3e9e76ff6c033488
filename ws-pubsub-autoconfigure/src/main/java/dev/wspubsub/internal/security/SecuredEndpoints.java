package dev.wspubsub.internal.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The paths of the {@code @WsEndpoint} beans and which of them require authentication:
 * {@code @WsEndpoint(authenticated = "true")} or a match in
 * {@code ws-pubsub.security.authenticated-paths} (either one is enough). Read from the
 * bean types, so no endpoint bean is created early.
 */
public final class SecuredEndpoints {

	private final Map<String, Boolean> authenticatedByPath;

	private final List<String> streamPaths;

	/** Endpoints by path, with whether each requires authentication. */
	public SecuredEndpoints(Map<String, Boolean> authenticatedByPath) {
		this(authenticatedByPath, List.of());
	}

	private SecuredEndpoints(Map<String, Boolean> authenticatedByPath, List<String> streamPaths) {
		this.authenticatedByPath = Collections.unmodifiableMap(new LinkedHashMap<>(authenticatedByPath));
		this.streamPaths = List.copyOf(streamPaths);
	}

	/**
	 * These endpoints, and the event streams at {@code streamPaths} (path patterns such
	 * as {@code /sse/**}): the origin check and the connection caps guard a stream's GET
	 * as they guard an upgrade.
	 */
	public SecuredEndpoints withStreams(List<String> streamPaths) {
		return new SecuredEndpoints(this.authenticatedByPath, streamPaths);
	}

	/**
	 * Reads the {@code @WsEndpoint} beans of {@code beans}, resolving placeholders with
	 * {@code properties}.
	 */
	public static SecuredEndpoints scan(ListableBeanFactory beans, PropertyResolver properties,
			List<String> authenticatedPaths) {
		List<PathPattern> patterns = new ArrayList<>();
		for (String pattern : authenticatedPaths) {
			patterns.add(PathPatternParser.defaultInstance.parse(pattern));
		}
		Map<String, Boolean> byPath = new LinkedHashMap<>();
		for (String beanName : beans.getBeanNamesForAnnotation(WsEndpoint.class)) {
			Class<?> type = beans.getType(beanName);
			WsEndpoint annotation = (type != null) ? AnnotatedElementUtils.findMergedAnnotation(type, WsEndpoint.class)
					: null;
			if (annotation == null || annotation.path().isEmpty()) {
				continue;
			}
			String path = annotation.path();
			boolean authenticated = flag(beanName, annotation.authenticated(), properties)
					|| patterns.stream().anyMatch((pattern) -> pattern.matches(PathContainer.parsePath(path)));
			byPath.merge(path, authenticated, Boolean::logicalOr);
		}
		return new SecuredEndpoints(byPath);
	}

	private static boolean flag(String beanName, String raw, PropertyResolver properties) {
		if (raw.isEmpty()) {
			return false;
		}
		String value = properties.resolveRequiredPlaceholders(raw).trim();
		if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
			throw new WsPubSubConfigurationException(
					"@WsEndpoint bean '" + beanName + "' has authenticated = '" + value + "'.",
					"Set authenticated to true or false, or to a placeholder that resolves to one.");
		}
		return Boolean.parseBoolean(value);
	}

	/** Every endpoint path. */
	public List<String> paths() {
		return List.copyOf(this.authenticatedByPath.keySet());
	}

	/** The paths that require authentication. */
	public List<String> authenticatedPaths() {
		return this.authenticatedByPath.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
	}

	/** Whether the endpoint at {@code path} requires authentication. */
	public boolean requiresAuthentication(String path) {
		return Boolean.TRUE.equals(this.authenticatedByPath.get(path));
	}

	/**
	 * These endpoints and {@code paths} too (STOMP's, which no annotation declares), each
	 * requiring authentication when a pattern of {@code authenticatedPaths} matches it.
	 */
	public SecuredEndpoints withPaths(List<String> paths, List<String> authenticatedPaths) {
		Map<String, Boolean> byPath = new LinkedHashMap<>(this.authenticatedByPath);
		for (String path : paths) {
			boolean authenticated = authenticatedPaths.stream()
				.anyMatch((pattern) -> PathPatternParser.defaultInstance.parse(pattern)
					.matches(PathContainer.parsePath(path)));
			byPath.merge(path, authenticated, Boolean::logicalOr);
		}
		return new SecuredEndpoints(byPath, this.streamPaths);
	}

	/** Matches request paths against the endpoint paths, as the handler mapping does. */
	EndpointPathMatcher matcher() {
		return new EndpointPathMatcher(paths(), this.streamPaths);
	}

}
