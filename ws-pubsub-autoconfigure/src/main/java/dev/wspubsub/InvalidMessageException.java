package dev.wspubsub;

/**
 * A client message that could not be handled: not JSON, an unknown {@code type}, not
 * bindable to the handler's parameter, or invalid under {@code @Valid}. Its message is
 * what the client is told in {@code {"type":"error","error":"..."}}; an {@code @OnError}
 * method taking this type can answer differently.
 */
public class InvalidMessageException extends RuntimeException {

	public InvalidMessageException(String message) {
		super(message);
	}

	public InvalidMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
