package dev.wspubsub.sample.chat;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.StringUtils;

/**
 * The optional JWT mode, on when {@code chat.auth.jwt-secret} ({@code JWT_SECRET}) is
 * set: tokens are HS256, signed with that secret. With a {@link ReactiveJwtDecoder} bean,
 * {@link ChatSecurity} requires a token on {@code /ws} and the starter checks the
 * {@code {"type":"auth","token"}} refreshes with the same decoder.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(JwtMode.SecretSet.class)
class JwtMode {

	@Bean
	ReactiveJwtDecoder jwtDecoder(ChatProperties properties) {
		return NimbusReactiveJwtDecoder.withSecretKey(secretKey(properties)).macAlgorithm(MacAlgorithm.HS256).build();
	}

	/** Signs the tokens of {@link TokenController}. */
	@Bean
	JwtEncoder jwtEncoder(ChatProperties properties) {
		return NimbusJwtEncoder.withSecretKey(secretKey(properties)).algorithm(MacAlgorithm.HS256).build();
	}

	private static SecretKey secretKey(ChatProperties properties) {
		byte[] secret = properties.auth().jwtSecret().getBytes(StandardCharsets.UTF_8);
		if (secret.length < 32) {
			// HS256 needs a key at least as long as its hash; Nimbus would refuse it at
			// the first token.
			throw new IllegalStateException(
					"chat.auth.jwt-secret (JWT_SECRET) must be at least 32 bytes, but has " + secret.length);
		}
		return new SecretKeySpec(secret, "HmacSHA256");
	}

	/** Whether a JWT secret is set. */
	static final class SecretSet implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return StringUtils.hasText(context.getEnvironment().getProperty("chat.auth.jwt-secret"));
		}

	}

}
