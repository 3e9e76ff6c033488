package dev.wspubsub.internal.stomp;

import dev.wspubsub.internal.dispatch.ReplySender;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.core.MethodParameter;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.HandlerMethodReturnValueHandler;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.simp.annotation.support.SendToMethodReturnValueHandler;

/**
 * A {@code Flux} (any multi-value publisher) returned by a {@code @MessageMapping}
 * method: each element is sent as a single return value would be ({@code @SendTo},
 * {@code @SendToUser}, or the default destination). Spring's own reactive handler takes
 * one value only.
 */
final class MultiValueReturnValueHandler implements HandlerMethodReturnValueHandler {

	private static final Log logger = LogFactory.getLog(MultiValueReturnValueHandler.class);

	private final ReactiveAdapterRegistry adapters = ReactiveAdapterRegistry.getSharedInstance();

	private final SendToMethodReturnValueHandler elements;

	MultiValueReturnValueHandler(SimpMessageSendingOperations brokerTemplate) {
		this.elements = new SendToMethodReturnValueHandler(brokerTemplate, false);
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		ReactiveAdapter adapter = this.adapters.getAdapter(returnType.getParameterType());
		return adapter != null && adapter.isMultiValue();
	}

	@Override
	public void handleReturnValue(@Nullable Object returnValue, MethodParameter returnType, Message<?> message) {
		if (returnValue == null) {
			return;
		}
		ReactiveAdapter adapter = this.adapters.getAdapter(returnType.getParameterType(), returnValue);
		if (adapter == null) {
			return;
		}
		Publisher<?> publisher = adapter.toPublisher(returnValue);
		ReplySender.send(publisher, (element) -> {
			try {
				this.elements.handleReturnValue(element, returnType, message);
			}
			catch (Exception ex) {
				logger.warn("Sending an element returned by " + returnType.getExecutable() + " failed", ex);
			}
		}, new ReplySender.Stream() {

			@Override
			public void failed(Throwable error) {
				logger.warn(returnType.getExecutable() + " returned a stream that failed", error);
			}

			@Override
			public void completed() {
			}

		});
	}

}
