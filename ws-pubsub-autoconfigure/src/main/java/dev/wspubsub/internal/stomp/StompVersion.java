package dev.wspubsub.internal.stomp;

import org.jspecify.annotations.Nullable;

/**
 * A STOMP protocol version, as {@code accept-version} and the WebSocket subprotocol name
 * it.
 */
enum StompVersion {

	V1_0("1.0"), V1_1("1.1"), V1_2("1.2");

	private final String text;

	StompVersion(String text) {
		this.text = text;
	}

	/** The version's name in {@code accept-version} and {@code version} headers. */
	String text() {
		return this.text;
	}

	/** Its WebSocket subprotocol, {@code v10.stomp} and so on. */
	String subprotocol() {
		return "v1" + this.text.charAt(2) + ".stomp";
	}

	static @Nullable StompVersion of(String text) {
		for (StompVersion version : values()) {
			if (version.text.equals(text.trim())) {
				return version;
			}
		}
		return null;
	}

	static @Nullable StompVersion ofSubprotocol(@Nullable String subprotocol) {
		if (subprotocol != null) {
			for (StompVersion version : values()) {
				if (version.subprotocol().equalsIgnoreCase(subprotocol)) {
					return version;
				}
			}
		}
		return null;
	}

}
