package dev.wspubsub.internal.stomp;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.messaging.handler.MessagingAdviceBean;
import org.springframework.web.method.ControllerAdviceBean;

/**
 * The {@code @ControllerAdvice} beans of the context as spring-messaging's advice, so
 * their {@code @MessageExceptionHandler} methods apply to every controller, as with
 * Spring's Servlet STOMP support (whose handler lives in spring-websocket, which WebFlux
 * applications do not have).
 */
final class ControllerAdvices {

	private ControllerAdvices() {
	}

	static List<MessagingAdviceBean> find(ApplicationContext context) {
		List<MessagingAdviceBean> advices = new ArrayList<>();
		for (ControllerAdviceBean bean : ControllerAdviceBean.findAnnotatedBeans(context)) {
			advices.add(new Advice(bean));
		}
		return advices;
	}

	private record Advice(ControllerAdviceBean bean) implements MessagingAdviceBean {

		@Override
		public @Nullable Class<?> getBeanType() {
			return this.bean.getBeanType();
		}

		@Override
		public Object resolveBean() {
			return this.bean.resolveBean();
		}

		@Override
		public boolean isApplicableToBeanType(Class<?> beanType) {
			return this.bean.isApplicableToBeanType(beanType);
		}

		@Override
		public int getOrder() {
			return this.bean.getOrder();
		}

	}

}
