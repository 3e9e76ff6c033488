package dev.wspubsub.sample.dashboard;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Keeps streams out of {@code http.server.requests}, whose percentiles are the
 * dashboard's request latency: an SSE stream or a WebSocket upgrade lasts as long as the
 * client stays, so timing it as one request would read as a slow server (a few seconds of
 * SSE made a false CRITICAL on latencyP99).
 */
@Configuration(proxyBeanMethods = false)
class RequestMetricsConfiguration {

	@Bean
	ObservationPredicate streamsAreNotRequests(@Value("${ws-pubsub.sse.path:/events}") String ssePath) {
		String prefix = ssePath.endsWith("/") ? ssePath : ssePath + "/";
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& isStream(request.getCarrier(), prefix));
	}

	private static boolean isStream(ServerHttpRequest request, String ssePrefix) {
		return "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())
				|| request.getPath().pathWithinApplication().value().startsWith(ssePrefix);
	}

}
