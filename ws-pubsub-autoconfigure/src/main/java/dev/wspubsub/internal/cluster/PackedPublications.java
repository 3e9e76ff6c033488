package dev.wspubsub.internal.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.wspubsub.Publication;
import dev.wspubsub.StreamPosition;

/**
 * Reads the publications {@code history-read.lua} packs into one string, each as
 * {@code <offset> <text flag> <payload length>\n<payload>}, oldest first.
 */
final class PackedPublications {

	private PackedPublications() {
	}

	/**
	 * The publications in {@code packed}, each positioned in {@code epoch}.
	 * @throws IllegalArgumentException when {@code packed} is not in that form
	 */
	static List<Publication> unpack(String epoch, byte[] packed) {
		List<Publication> publications = new ArrayList<>();
		int at = 0;
		while (at < packed.length) {
			int space = indexOf(packed, (byte) ' ', at);
			long offset = number(packed, at, space);
			int flagEnd = indexOf(packed, (byte) ' ', space + 1);
			boolean text = number(packed, space + 1, flagEnd) == 1;
			int newline = indexOf(packed, (byte) '\n', flagEnd + 1);
			long length = number(packed, flagEnd + 1, newline);
			if (length > packed.length - (newline + 1)) {
				throw new IllegalArgumentException("Entry at offset " + offset + " says " + length + " bytes; only "
						+ (packed.length - newline - 1) + " follow");
			}
			int from = newline + 1;
			at = from + (int) length;
			publications
				.add(new Publication(new StreamPosition(epoch, offset), Arrays.copyOfRange(packed, from, at), text));
		}
		return publications;
	}

	private static int indexOf(byte[] packed, byte wanted, int from) {
		for (int i = from; i < packed.length; i++) {
			if (packed[i] == wanted) {
				return i;
			}
		}
		throw new IllegalArgumentException("Packed history entries end before a '" + (char) wanted + "'");
	}

	private static long number(byte[] packed, int from, int to) {
		if (from == to) {
			throw new IllegalArgumentException("Packed history entries lack a number at byte " + from);
		}
		long value = 0;
		for (int i = from; i < to; i++) {
			int digit = packed[i] - '0';
			if (digit < 0 || digit > 9) {
				throw new IllegalArgumentException("Packed history entries have '" + (char) packed[i] + "' at byte " + i
						+ " where a digit belongs");
			}
			value = value * 10 + digit;
		}
		return value;
	}

}
