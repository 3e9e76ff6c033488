package dev.wspubsub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message of a topic's history, as its subscribers received it (with its
 * {@code epoch} and {@code offset} fields when the topic's history adds them).
 *
 * @param position where it sits in the topic's history
 * @param payload the message's bytes, UTF-8 when {@code text}
 * @param text whether it went out as a text message
 */
public record Publication(StreamPosition position, byte[] payload, boolean text) {

	public Publication {
		Objects.requireNonNull(position, "position");
		Objects.requireNonNull(payload, "payload");
	}

	/** The payload as text (UTF-8). */
	public String asText() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Publication that && this.position.equals(that.position) && this.text == that.text
				&& Arrays.equals(this.payload, that.payload);
	}

	@Override
	public int hashCode() {
		return 31 * this.position.hashCode() + Arrays.hashCode(this.payload);
	}

	@Override
	public String toString() {
		return "Publication[" + this.position + ", " + (this.text ? asText() : this.payload.length + " bytes") + "]";
	}
}
