package dev.wspubsub;

/**
 * The error message ws-pubsub sends a client, whoever refuses what it asked (a handler, a
 * topic authorizer, a rate limit): {@code {"type":"error","error":"..."}}.
 *
 * @param type always {@code error}
 * @param error what was refused, and why
 */
public record ErrorReply(String type, String error) {

	/** An error message saying {@code error}. */
	public static ErrorReply of(String error) {
		return new ErrorReply("error", error);
	}

	/** The answer to a denied subscribe or publish. */
	public static ErrorReply forbidden(String topic) {
		return of("Forbidden: " + topic);
	}

}
