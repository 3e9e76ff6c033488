package dev.wspubsub.internal.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/** Mints test tokens with a test RSA key, and the decoder that trusts it. */
final class Tokens {

	static final String ISSUER = "https://issuer.test";

	static final String AUDIENCE = "ws-pubsub-test";

	private static final KeyPair KEY = generate();

	private static final KeyPair OTHER_KEY = generate();

	private Tokens() {
	}

	static ReactiveJwtDecoder decoder() {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic())
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(ISSUER),
				new JwtClaimValidator<List<String>>("aud", (aud) -> aud != null && aud.contains(AUDIENCE))));
		return decoder;
	}

	static String valid(String subject) {
		return valid(subject, Duration.ofMinutes(10));
	}

	static String valid(String subject, Duration ttl) {
		return sign(claims(subject, ttl, ISSUER, AUDIENCE), KEY);
	}

	/**
	 * A valid token whose {@code exp} is {@code expiresAt}, which must be a whole second.
	 */
	static String validUntil(String subject, Instant expiresAt) {
		return sign(claims(subject, expiresAt.minusSeconds(5), expiresAt, ISSUER, AUDIENCE), KEY);
	}

	static String expired(String subject) {
		return sign(claims(subject, Duration.ofMinutes(-10), ISSUER, AUDIENCE), KEY);
	}

	static String badSignature(String subject) {
		return sign(claims(subject, Duration.ofMinutes(10), ISSUER, AUDIENCE), OTHER_KEY);
	}

	static String wrongIssuer(String subject) {
		return sign(claims(subject, Duration.ofMinutes(10), "https://evil.test", AUDIENCE), KEY);
	}

	static String wrongAudience(String subject) {
		return sign(claims(subject, Duration.ofMinutes(10), ISSUER, "someone-else"), KEY);
	}

	static String unsigned(String subject) {
		return new PlainJWT(claims(subject, Duration.ofMinutes(10), ISSUER, AUDIENCE)).serialize();
	}

	private static JWTClaimsSet claims(String subject, Duration ttl, String issuer, String audience) {
		Instant now = Instant.now();
		return claims(subject, now.minus(ttl.isNegative() ? ttl.multipliedBy(2).negated() : Duration.ofSeconds(5)),
				now.plus(ttl), issuer, audience);
	}

	private static JWTClaimsSet claims(String subject, Instant issuedAt, Instant expiresAt, String issuer,
			String audience) {
		return new JWTClaimsSet.Builder().subject(subject)
			.issuer(issuer)
			.audience(audience)
			.issueTime(Date.from(issuedAt))
			.expirationTime(Date.from(expiresAt))
			.claim("room", "blue")
			.build();
	}

	private static String sign(JWTClaimsSet claims, KeyPair key) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims);
			jwt.sign(new RSASSASigner(key.getPrivate()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
