package dev.wspubsub.internal.history;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes epochs: short, random, letters and digits only (they go into JSON and SSE ids
 * unescaped).
 */
public final class Epochs {

	private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

	private Epochs() {
	}

	/**
	 * A new epoch of 8 characters: 41 bits, so two lives of one topic practically never
	 * share one. Not a secret, and made for every publication in Redis (the script takes
	 * it only when a life begins), so a fast generator rather than a secure one.
	 */
	public static String next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		char[] epoch = new char[8];
		for (int i = 0; i < epoch.length; i++) {
			epoch[i] = ALPHABET[random.nextInt(ALPHABET.length)];
		}
		return new String(epoch);
	}

	/**
	 * Whether {@code candidate} began after {@code known}. Epochs begun by Redis carry
	 * Redis' time first, at a fixed width, so they compare as text; an epoch of another
	 * shape (another history, an older version) is taken as the later one, the safe guess
	 * for a node that has not seen it before.
	 */
	public static boolean isLater(String candidate, String known) {
		if (candidate.length() != known.length()) {
			return true;
		}
		return candidate.compareTo(known) > 0;
	}

}
