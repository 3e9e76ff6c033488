package dev.wspubsub.internal.endpoint;

import java.util.List;
import java.util.Map;

import dev.wspubsub.annotation.WsEndpoint;
import org.jspecify.annotations.Nullable;

/** One {@code @WsEndpoint} bean, its path and its handler methods, validated. */
record EndpointDefinition(String beanName, Class<?> beanType, String path, WsEndpoint annotation,
		@Nullable HandlerMethod onUpgrade, @Nullable HandlerMethod onOpen, @Nullable HandlerMethod onClose,
		@Nullable HandlerMethod onDrain, @Nullable HandlerMethod onPing, @Nullable HandlerMethod onPong,
		List<HandlerMethod> onError, Map<String, HandlerMethod> typedMessages, @Nullable HandlerMethod rawText,
		@Nullable HandlerMethod rawBinary, @Nullable HandlerMethod onTopicReset) {

	boolean dispatchesJson() {
		return !this.typedMessages.isEmpty();
	}

	String describe() {
		return "'" + this.beanName + "' (" + this.beanType.getName() + ")";
	}
}
