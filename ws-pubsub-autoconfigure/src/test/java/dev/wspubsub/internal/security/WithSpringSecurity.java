package dev.wspubsub.internal.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Runs a test class only where Spring Security is on the classpath: the build's
 * {@code security-tests} execution. The default execution leaves it out, as most
 * applications do, so {@code -Dtest=...} reaches both and only this one runs it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@EnabledIf("dev.wspubsub.internal.security.SpringSecurityPresence#present")
@interface WithSpringSecurity {

}

/** Whether Spring Security and Nimbus are on the test classpath. */
final class SpringSecurityPresence {

	private SpringSecurityPresence() {
	}

	static boolean present() {
		return org.springframework.util.ClassUtils.isPresent("com.nimbusds.jose.JOSEException",
				SpringSecurityPresence.class.getClassLoader());
	}

}
