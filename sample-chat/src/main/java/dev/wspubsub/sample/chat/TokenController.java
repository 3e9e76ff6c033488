package dev.wspubsub.sample.chat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import org.springframework.context.annotation.Conditional;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/token} with {@code {"username"}}: a token for that name, in the JWT
 * mode only. For development: it trusts anyone with any name, where a real deployment has
 * its identity provider issue the tokens.
 */
@RestController
@Conditional(JwtMode.SecretSet.class)
class TokenController {

	private final JwtEncoder encoder;

	private final Duration ttl;

	TokenController(JwtEncoder encoder, ChatProperties properties) {
		this.encoder = encoder;
		this.ttl = properties.auth().tokenTtl();
	}

	@PostMapping("/api/token")
	Token token(@Valid @RequestBody TokenRequest request) {
		Instant now = Instant.now();
		// A JWT's exp is in whole seconds: the token lives up to a second less than the
		// ttl, and
		// expiresIn says so (rounded down), or a page refreshing at 3/4 of its life would
		// be late.
		Instant expiresAt = now.plus(this.ttl).truncatedTo(ChronoUnit.SECONDS);
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(request.username().strip())
			.issuedAt(now)
			.expiresAt(expiresAt)
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).build();
		String token = this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
		return new Token(token, Duration.between(now, expiresAt).toSeconds());
	}

	record TokenRequest(@NotBlank String username) {
	}

	/**
	 * The token and its lifetime in seconds, so the page can refresh it in time whatever
	 * its clock says.
	 */
	record Token(String token, long expiresIn) {
	}

}
