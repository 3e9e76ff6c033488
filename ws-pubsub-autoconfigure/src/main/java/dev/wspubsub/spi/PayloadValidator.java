package dev.wspubsub.spi;

import org.jspecify.annotations.Nullable;

/**
 * Validates a bound message of a {@code @Valid} parameter. Called on the connection's
 * event loop (or the blocking pool for a blocking handler) before the handler runs; must
 * not block. A violation becomes the client's error reply {@code "field: reason"}; the
 * default uses Jakarta Bean Validation when it is on the classpath.
 */
@FunctionalInterface
public interface PayloadValidator {

	/**
	 * @return {@code null} when valid, else "field: reason" for each violation, joined
	 * with "; "
	 */
	@Nullable String validate(Object payload);

}
