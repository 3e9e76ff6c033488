package dev.wspubsub.endpoint;

/** The default answer to a message that failed: {@code {"type":"error","error":"..."}}. */
record ErrorReply(String type, String error) {

	static ErrorReply of(String error) {
		return new ErrorReply("error", error);
	}
}
