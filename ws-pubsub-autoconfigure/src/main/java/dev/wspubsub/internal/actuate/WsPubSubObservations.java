package dev.wspubsub.internal.actuate;

import java.util.Objects;

import dev.wspubsub.WsSession;
import dev.wspubsub.spi.WsMetricsListener;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Wraps each handler call in an {@link Observation} named {@code wspubsub.handler}, so
 * tracing spans and the handler timer cover the application's code. Its low-cardinality
 * keys are the endpoint path template and the message type (a declared JSON type, or
 * {@code text}, {@code binary}, {@code open}, {@code close}...); the session id is a
 * high-cardinality key, seen by tracing only. Turned off, like any observation, with
 * {@code management.observations.enable.wspubsub=false}.
 */
public class WsPubSubObservations implements WsMetricsListener {

	static final String NAME = "wspubsub.handler";

	private final ObservationRegistry registry;

	public WsPubSubObservations(ObservationRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public HandlerCall handlerStarted(WsSession<?> session, String messageType) {
		if (this.registry.isNoop()) {
			return HandlerCall.NONE;
		}
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.contextualName(session.path() + " " + messageType)
			.lowCardinalityKeyValues(KeyValues.of("endpoint", session.path(), "message.type", messageType))
			.highCardinalityKeyValue("session.id", session.id())
			.start();
		if (observation.isNoop()) {
			return HandlerCall.NONE;
		}
		Observation.Scope scope = observation.openScope();
		return new HandlerCall() {

			@Override
			public void failed(Throwable error) {
				observation.error(error);
			}

			@Override
			public void end() {
				scope.close();
				observation.stop();
			}
		};
	}

}
