package dev.wspubsub.history;

import java.security.SecureRandom;

/** Makes epochs: short, random, letters and digits only (they go into JSON and SSE ids unescaped). */
public final class Epochs {

	private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private Epochs() {
	}

	/** A new epoch of 8 characters: 41 bits, so two lives of one topic practically never share one. */
	public static String next() {
		char[] epoch = new char[8];
		for (int i = 0; i < epoch.length; i++) {
			epoch[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
		}
		return new String(epoch);
	}
}
