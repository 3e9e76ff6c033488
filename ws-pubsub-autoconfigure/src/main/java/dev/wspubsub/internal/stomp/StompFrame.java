package dev.wspubsub.internal.stomp;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One STOMP frame: its command, its headers in order (the first of a repeated header
 * wins, as STOMP 1.2 says) and its body.
 */
record StompFrame(StompCommand command, Map<String, String> headers, byte[] body) {

	private static final byte[] NO_BODY = new byte[0];

	StompFrame {
		headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
	}

	static StompFrame of(StompCommand command, Map<String, String> headers) {
		return new StompFrame(command, headers, NO_BODY);
	}

	@Nullable String header(String name) {
		return this.headers.get(name);
	}

	String bodyText() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return this.command + " " + this.headers + " (" + this.body.length + " bytes)";
	}

}
