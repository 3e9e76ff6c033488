package dev.wspubsub.internal.endpoint;

import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.wspubsub.spi.PayloadValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.jspecify.annotations.Nullable;

/**
 * Bean Validation for {@code @Valid} message parameters; used when a Validator is
 * present.
 */
public final class JakartaPayloadValidator implements PayloadValidator {

	private final Validator validator;

	public JakartaPayloadValidator(Validator validator) {
		this.validator = Objects.requireNonNull(validator, "validator");
	}

	@Override
	public @Nullable String validate(Object payload) {
		Set<ConstraintViolation<Object>> violations = this.validator.validate(payload);
		if (violations.isEmpty()) {
			return null;
		}
		return violations.stream()
			.map((violation) -> violation.getPropertyPath() + ": " + violation.getMessage())
			.sorted()
			.collect(Collectors.joining("; "));
	}

}
