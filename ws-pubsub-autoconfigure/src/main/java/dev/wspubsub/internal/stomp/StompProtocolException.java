package dev.wspubsub.internal.stomp;

/**
 * A frame the server cannot accept; its message names what was wrong and goes into the
 * ERROR frame that precedes the close.
 */
final class StompProtocolException extends RuntimeException {

	StompProtocolException(String message) {
		super(message, null, false, false);
	}

}
