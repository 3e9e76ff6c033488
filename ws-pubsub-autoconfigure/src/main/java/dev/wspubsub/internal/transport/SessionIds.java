package dev.wspubsub.internal.transport;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids nobody can guess: 128 random bits, URL-safe. Sequential ids let anyone who
 * can read one session (an Actuator page, a log) walk to the others.
 */
final class SessionIds {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private SessionIds() {
	}

	static String next() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return ENCODER.encodeToString(bytes);
	}

}
