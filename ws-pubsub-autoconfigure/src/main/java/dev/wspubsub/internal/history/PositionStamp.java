package dev.wspubsub.internal.history;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import dev.wspubsub.StreamPosition;

/**
 * Adds a publication's position to a JSON object message, as its last fields:
 * {@code {"a":1}} becomes {@code {"a":1,"epoch":"k3x9","offset":42}}. Anything else
 * (binary, text that is not a JSON object) is left as it is. Only fields are added, so
 * clients that do not know them keep working. Last, because of a name twice in an object
 * JSON parsers keep the later one: a message that carries its own {@code epoch} or
 * {@code offset} cannot make readers resume from a position the server never gave.
 */
public final class PositionStamp {

	private PositionStamp() {
	}

	/**
	 * Where the position's fields go into {@code payload}: the index of the closing
	 * brace, or {@code -1} when the payload is not a JSON object.
	 */
	public static int insertionPoint(byte[] payload, boolean text) {
		if (!text) {
			return -1;
		}
		int first = 0;
		while (first < payload.length && isSpace(payload[first])) {
			first++;
		}
		int last = payload.length - 1;
		while (last > first && isSpace(payload[last])) {
			last--;
		}
		return (last > first && payload[first] == '{' && payload[last] == '}') ? last : -1;
	}

	/**
	 * Whether the object closed at {@code at} is empty, so the fields need no comma
	 * before them.
	 */
	public static boolean isEmptyObject(byte[] payload, int at) {
		int i = at - 1;
		while (i >= 0 && isSpace(payload[i])) {
			i--;
		}
		return i >= 0 && payload[i] == '{';
	}

	private static boolean isSpace(byte b) {
		return b == ' ' || b == '\t' || b == '\r' || b == '\n';
	}

	/**
	 * {@code payload} with {@code position}'s fields added, or {@code payload} itself
	 * when it takes none.
	 */
	public static byte[] stamp(byte[] payload, boolean text, StreamPosition position) {
		int at = insertionPoint(payload, text);
		if (at < 0) {
			return payload;
		}
		byte[] fields = ((isEmptyObject(payload, at) ? "" : ",") + fields(position)).getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + fields.length);
		out.write(payload, 0, at);
		out.write(fields, 0, fields.length);
		out.write(payload, at, payload.length - at);
		return out.toByteArray();
	}

	/**
	 * The fields as JSON; epochs are made of letters and digits, so nothing needs
	 * escaping.
	 */
	static String fields(StreamPosition position) {
		return "\"epoch\":\"" + position.epoch() + "\",\"offset\":" + position.offset();
	}

}
