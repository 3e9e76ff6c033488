package dev.wspubsub;

/**
 * A call of a blocking handler ({@code @OnMessage(blocking = true)}) refused because
 * every thread for blocking handlers is taken and their queue is full
 * ({@code ws-pubsub.blocking.max-threads}, {@code ws-pubsub.blocking.queue-capacity}).
 * The client is told {@value #MESSAGE} and its connection stays open; an {@code @OnError}
 * handler for this type can answer otherwise.
 */
public class ServerBusyException extends RuntimeException {

	/** What the client is told. */
	public static final String MESSAGE = "Server busy, retry later";

	/**
	 * @param cause the executor's refusal
	 */
	public ServerBusyException(Throwable cause) {
		super(MESSAGE, cause);
	}

}
