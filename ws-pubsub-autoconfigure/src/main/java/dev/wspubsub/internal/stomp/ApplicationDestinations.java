package dev.wspubsub.internal.stomp;

import dev.wspubsub.ServerBusyException;

/**
 * Where frames to application destinations ({@code /app} by default) go: Spring's
 * {@code @MessageMapping} and {@code @SubscribeMapping} methods when spring-messaging is
 * present.
 */
interface ApplicationDestinations {

	/**
	 * A SEND to {@code destination}, an application destination.
	 * @throws ServerBusyException when the application's pool refuses the frame: it was
	 * not handled, and the client must be told
	 */
	void send(StompSession session, StompFrame frame, String destination);

	/**
	 * A SUBSCRIBE to {@code destination}, an application destination.
	 * @throws ServerBusyException as {@link #send}
	 */
	void subscribe(StompSession session, StompFrame frame, String destination, String subscriptionId);

}
