package dev.wspubsub.internal.history;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import dev.wspubsub.StreamPosition;

/**
 * Adds a publication's position to a JSON object message, as its first fields:
 * {@code {"a":1}} becomes {@code {"epoch":"k3x9","offset":42,"a":1}}. Anything else
 * (binary, text that is not a JSON object) is left as it is. Only fields are added, so
 * clients that do not know them keep working; a field of the same name in the message
 * comes later and so wins in JSON parsers.
 */
public final class PositionStamp {

	private PositionStamp() {
	}

	/**
	 * Where the position's fields go into {@code payload}: the index just after the
	 * opening brace, or {@code -1} when the payload is not a JSON object.
	 */
	public static int insertionPoint(byte[] payload, boolean text) {
		if (!text) {
			return -1;
		}
		for (int i = 0; i < payload.length; i++) {
			byte b = payload[i];
			if (b == '{') {
				return i + 1;
			}
			if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
				return -1;
			}
		}
		return -1;
	}

	/**
	 * Whether the object opened just before {@code at} is empty, so the fields need no
	 * comma after them.
	 */
	public static boolean isEmptyObject(byte[] payload, int at) {
		for (int i = at; i < payload.length; i++) {
			byte b = payload[i];
			if (b == '}') {
				return true;
			}
			if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
				return false;
			}
		}
		return false;
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
		byte[] fields = fields(position, !isEmptyObject(payload, at)).getBytes(StandardCharsets.UTF_8);
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
	static String fields(StreamPosition position, boolean comma) {
		return "\"epoch\":\"" + position.epoch() + "\",\"offset\":" + position.offset() + (comma ? "," : "");
	}

}
