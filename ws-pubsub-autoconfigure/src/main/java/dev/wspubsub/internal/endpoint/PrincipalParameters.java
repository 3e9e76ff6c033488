package dev.wspubsub.internal.endpoint;

import java.lang.reflect.Parameter;
import java.security.Principal;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.security.core.Authentication;
import org.springframework.util.ClassUtils;

/**
 * Resolves handler parameters that stand for the authenticated user beyond
 * {@link Principal}: Spring Security's {@code Jwt}, {@code UserDetails} and
 * {@code OAuth2AuthenticatedPrincipal} (taken from
 * {@code Authentication.getPrincipal()}), and any parameter annotated
 * {@code @AuthenticationPrincipal}. Spring Security is optional: types are recognised by
 * name, and its classes load only when it is present.
 */
final class PrincipalParameters {

	private static final boolean SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", PrincipalParameters.class.getClassLoader());

	private static final String AUTHENTICATION_PRINCIPAL = "org.springframework.security.core.annotation.AuthenticationPrincipal";

	/** Types whose values come from {@code Authentication.getPrincipal()}. */
	private static final Set<String> PRINCIPAL_DETAILS = Set.of("org.springframework.security.oauth2.core.OAuth2Token",
			"org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal",
			"org.springframework.security.core.userdetails.UserDetails");

	private PrincipalParameters() {
	}

	/**
	 * A resolver for {@code parameter}, or {@code null} when it is not such a parameter.
	 */
	static @Nullable Function<CallContext, @Nullable Object> resolver(Parameter parameter) {
		Class<?> type = parameter.getType();
		boolean annotated = MergedAnnotations.from(parameter).isPresent(AUTHENTICATION_PRINCIPAL);
		if (!annotated && !isPrincipalDetail(type)) {
			return null;
		}
		return (context) -> value(context.principal(), type);
	}

	private static @Nullable Object value(@Nullable Principal principal, Class<?> type) {
		if (principal == null) {
			return null;
		}
		if (SECURITY_PRESENT) {
			Object inner = AuthenticationPrincipal.of(principal);
			if (type.isInstance(inner)) {
				return inner;
			}
		}
		return type.isInstance(principal) ? principal : null;
	}

	private static boolean isPrincipalDetail(Class<?> type) {
		if (!SECURITY_PRESENT || type.isPrimitive() || type.getName().startsWith("java.")) {
			return false;
		}
		for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
			if (PRINCIPAL_DETAILS.contains(candidate.getName())) {
				return true;
			}
		}
		return PRINCIPAL_DETAILS.contains(type.getName());
	}

	/** Touches Spring Security; loaded only when it is present. */
	private static final class AuthenticationPrincipal {

		static @Nullable Object of(Principal principal) {
			return (principal instanceof Authentication authentication) ? authentication.getPrincipal() : null;
		}

	}

}
