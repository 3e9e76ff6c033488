package dev.wspubsub.internal.security;

import java.security.Principal;

import dev.wspubsub.UpgradeRejectedException;
import dev.wspubsub.UpgradeRequest;
import dev.wspubsub.internal.endpoint.EndpointGuard;
import org.jspecify.annotations.Nullable;

/**
 * Refuses an upgrade to an endpoint that requires authentication when no principal was
 * established. The security filter chain normally refuses first; this holds when the
 * application's own chain lets the request through.
 */
public final class AuthenticationRequirement implements EndpointGuard {

	private final SecuredEndpoints endpoints;

	public AuthenticationRequirement(SecuredEndpoints endpoints) {
		this.endpoints = endpoints;
	}

	@Override
	public void checkUpgrade(UpgradeRequest request, String path, @Nullable Principal principal) {
		if (isAnonymous(principal) && this.endpoints.requiresAuthentication(path)) {
			throw new UpgradeRejectedException(401, "Authentication required");
		}
	}

	private static boolean isAnonymous(@Nullable Principal principal) {
		// By name: Spring Security is optional, and an application's chain may enable
		// anonymous users.
		return principal == null || principal.getClass()
			.getName()
			.equals("org.springframework.security.authentication.AnonymousAuthenticationToken");
	}

}
