package dev.wspubsub.autoconfigure;

import java.util.Arrays;

import dev.wspubsub.WsPubSubConfigurationException;
import dev.wspubsub.annotation.WsEndpoint;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Fails a servlet (Spring MVC) application that declares {@code @WsEndpoint} beans: they
 * need WebFlux on Reactor Netty and would otherwise be silently unreachable.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public final class WsPubSubServletGuardAutoConfiguration {

	@Bean
	static SmartInitializingSingleton wsPubSubServletGuard(ListableBeanFactory beanFactory) {
		return () -> {
			String[] endpoints = beanFactory.getBeanNamesForAnnotation(WsEndpoint.class);
			if (endpoints.length > 0) {
				throw new WsPubSubConfigurationException("The @WsEndpoint beans " + Arrays.toString(endpoints)
						+ " need Spring WebFlux on Reactor Netty, but this is a servlet (Spring MVC) application.",
						"Replace spring-boot-starter-web with spring-boot-starter-webflux (the ws-pubsub starter"
								+ " brings it), or set spring.main.web-application-type=reactive.");
			}
		};
	}

}
