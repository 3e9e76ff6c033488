package dev.wspubsub.spi;

import org.jspecify.annotations.Nullable;

/** Validates a bound message of a {@code @Valid} parameter. */
@FunctionalInterface
public interface PayloadValidator {

	/**
	 * @return {@code null} when valid, else "field: reason" for each violation, joined
	 * with "; "
	 */
	@Nullable String validate(Object payload);

}
