package dev.wspubsub.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.ClientResources;

import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

/**
 * Shuts down the Lettuce resources Spring Boot creates with a short quiet period, before
 * Boot's own {@code shutdown()} (which has none). Without one, a reconnection attempt
 * that registers its channel while the event loops stop is never closed, and Lettuce's
 * {@code CommandHandler} never releases the read buffer it took for that channel: a Netty
 * leak report (seen in this project's Redis outage tests). In the quiet period the loops
 * go round again and close such a channel.
 */
final class LettuceQuietShutdown implements DestructionAwareBeanPostProcessor {

	/**
	 * The name of the {@link ClientResources} bean of Boot's Redis auto-configuration.
	 */
	static final String BOOT_CLIENT_RESOURCES = "lettuceClientResources";

	static final Duration QUIET_PERIOD = Duration.ofMillis(100);

	/** Lettuce's own default shutdown timeout. */
	static final Duration TIMEOUT = Duration.ofSeconds(2);

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof ClientResources;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		if (bean instanceof ClientResources resources && BOOT_CLIENT_RESOURCES.equals(beanName)) {
			resources.shutdown(QUIET_PERIOD.toMillis(), TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.awaitUninterruptibly(TIMEOUT.plusSeconds(1).toMillis());
		}
	}

}
