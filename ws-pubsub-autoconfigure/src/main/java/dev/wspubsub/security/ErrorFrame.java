package dev.wspubsub.security;

/**
 * The error message security sends a client, in the shape of every ws-pubsub error:
 * {@code {"type":"error","error":"..."}}.
 *
 * @param type always {@code error}
 * @param error what was refused
 */
public record ErrorFrame(String type, String error) {

	/** An error message saying {@code error}. */
	public static ErrorFrame of(String error) {
		return new ErrorFrame("error", error);
	}

	/** The answer to a denied subscribe or publish. */
	public static ErrorFrame forbidden(String topic) {
		return of("Forbidden: " + topic);
	}
}
